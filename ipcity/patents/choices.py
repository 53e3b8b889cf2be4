"""Patent types, legal statuses, awards, criteria and workflows of the patent registry (STYLE rule 3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ipcity.core.workflow import Transition, Workflow


class PatentType(models.TextChoices):
    INVENTION = "invention", _("Invention")
    UTILITY_MODEL = "utility_model", _("Utility model")
    DESIGN = "design", _("Design")


class LegalStatus(models.TextChoices):
    PENDING = "pending", _("Pending (not granted)")
    VALID = "valid", _("Valid")
    LAPSED = "lapsed", _("Lapsed")
    EXPIRED = "expired", _("Expired")
    INVALIDATED = "invalidated", _("Invalidated")


# Legal status changes a registry update may record (the history is in PatentEvent).
STATUS_TRANSITIONS: dict[str, set[str]] = {
    LegalStatus.PENDING: {LegalStatus.VALID, LegalStatus.LAPSED},
    LegalStatus.VALID: {LegalStatus.LAPSED, LegalStatus.EXPIRED, LegalStatus.INVALIDATED},
    LegalStatus.LAPSED: {LegalStatus.VALID},  # restoration of rights (权利恢复)
    LegalStatus.EXPIRED: set(),
    LegalStatus.INVALIDATED: set(),
}


class Award(models.TextChoices):
    NONE = "", _("None")
    CHINA_PATENT_AWARD = "china_patent_award", _("China Patent Award (excellence)")
    CHINA_PATENT_GOLD = "china_patent_gold", _("China Patent Gold Award")
    CHINA_PATENT_SILVER = "china_patent_silver", _("China Patent Silver Award")
    NATIONAL_ST_AWARD = "national_st_award", _("National Science and Technology Award")


class Criterion(models.TextChoices):
    """The five criteria of CNIPA's high-value invention patent definition (reference.md)."""

    SEI = "sei", _("Belongs to a strategic emerging industry")
    OVERSEAS_FAMILY = "overseas_family", _("Has a family member granted abroad")
    MAINTAINED = "maintained_over_10_years", _("Maintained for more than 10 years")
    PLEDGE = "pledge_amount", _("Obtained a high pledge-financing amount")
    AWARD = "award", _("Won the National S&T Award or a China Patent Award")


class EventKind(models.TextChoices):
    STATUS = "status", _("Legal status change")
    PLEDGE = "pledge", _("Pledge")
    LICENCE = "licence", _("Licence")
    TRANSFER = "transfer", _("Transfer")
    AWARD = "award", _("Award")
    FEE = "fee", _("Annual fee")


class PatentIntensive(models.TextChoices):
    """《知识产权（专利）密集型产业统计分类（2019）》 categories."""

    NONE = "", _("None")
    ICT_MANUFACTURING = "ict_manufacturing", _("ICT manufacturing")
    ICT_SERVICES = "ict_services", _("ICT services")
    NEW_EQUIPMENT = "new_equipment", _("New equipment manufacturing")
    NEW_MATERIALS = "new_materials", _("New materials manufacturing")
    PHARMA_MEDICAL = "pharma_medical", _("Pharmaceutical and medical industry")
    ENVIRONMENTAL = "environmental", _("Environmental protection industry")
    RD_SERVICES = "rd_services", _("R&D, design and technical services")


class PopulationBasis(models.TextChoices):
    RESIDENT = "resident", _("Resident population (常住人口)")
    REGISTERED = "registered", _("Registered population (户籍人口)")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


IMPORT_TRANSITIONS: dict[str, set[str]] = {
    ImportStatus.QUEUED: {ImportStatus.RUNNING, ImportStatus.FAILED},
    ImportStatus.RUNNING: {ImportStatus.DONE, ImportStatus.FAILED},
    ImportStatus.DONE: set(),
    ImportStatus.FAILED: set(),
}


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    SUSPENDED = "suspended", _("Suspended")


class ProjectAction(models.TextChoices):
    START = "start", _("Start")
    SUSPEND = "suspend", _("Suspend")
    RESUME = "resume", _("Resume")
    COMPLETE = "complete", _("Complete")


P = ProjectStatus

# The innovation ledger's transitions table (docs/adr/0017). The page posts the to-state; each (from, to)
# pair is one action (`PROJECT_WORKFLOW.action_to`). Commands and the demo act as a string actor.
PROJECT_TRANSITIONS: dict[str, Transition] = {
    ProjectAction.START: Transition.of({P.PLANNED}, P.IN_PROGRESS, {"plan_office"}),
    ProjectAction.SUSPEND: Transition.of({P.PLANNED, P.IN_PROGRESS}, P.SUSPENDED, {"plan_office"}),
    ProjectAction.RESUME: Transition.of({P.SUSPENDED}, P.IN_PROGRESS, {"plan_office"}),
    ProjectAction.COMPLETE: Transition.of({P.IN_PROGRESS}, P.COMPLETED, {"plan_office"}),
}
PROJECT_WORKFLOW = Workflow("patents.innovation_project", PROJECT_TRANSITIONS, system_actors=True)


class AuditAction(models.TextChoices):
    """The actions this app writes to the audit trail (registered in apps.py; ADR 0013)."""

    SEI_CONCORDANCE_LOAD = "sei_concordance.load", _("SEI concordance loaded")
    PATENT_IMPORT = "patent.import", _("Patents imported")
    PATENT_REDERIVE = "patent.rederive", _("Patents' derived data recomputed")
    PATENT_IMPORT_CREATE = "patent_import.create", _("Patent import queued")
    PATENT_IMPORT_RUNNING = "patent_import.running", _("Patent import started")
    PATENT_IMPORT_DONE = "patent_import.done", _("Patent import finished")
    PATENT_IMPORT_FAILED = "patent_import.failed", _("Patent import failed")
    KPI_LEDGER_REBUILD = "kpi_ledger.rebuild", _("KPI ledger rebuilt")
    POPULATION_SET = "population.set", _("Population figure set")
    INNOVATION_PROJECT_CREATE = "innovation_project.create", _("Innovation project created")
    INNOVATION_PROJECT_UPDATE = "innovation_project.update", _("Innovation project updated")
    INNOVATION_PROJECT_TRANSITION = "innovation_project.transition", _("Innovation project status changed")


# The audit action of each move of an import job (a job is created queued: patent_import.create).
IMPORT_AUDIT_ACTIONS: dict[str, AuditAction] = {
    ImportStatus.RUNNING: AuditAction.PATENT_IMPORT_RUNNING,
    ImportStatus.DONE: AuditAction.PATENT_IMPORT_DONE,
    ImportStatus.FAILED: AuditAction.PATENT_IMPORT_FAILED,
}


class ErrorCode(models.TextChoices):
    """The machine codes of the patents refusals (ipcity.core.errors; the API's `code`, ADR 0016)."""

    INVALID = "invalid"
    NOT_FOUND = "not_found"
    ROLE = "role"
