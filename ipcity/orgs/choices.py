from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DistrictKind(models.TextChoices):
    DISTRICT = "district", pgettext_lazy("district kind", "District")
    COUNTY_CITY = "county_city", _("County-level city")
    MANAGEMENT_COMMITTEE = "management_committee", _("Management committee")


class EntityKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    UNIVERSITY = "university", _("University")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    SERVICE_AGENCY = "service_agency", _("IP service agency")
    BANK = "bank", _("Bank or financial institution")
    MARKET = "market", _("Market")
    ECOMMERCE_PLATFORM = "ecommerce_platform", _("E-commerce platform")
    PARK = "park", _("Park")
    INDUSTRY_ALLIANCE = "industry_alliance", _("Industry alliance")


class CertificationKind(models.TextChoices):
    ADVANTAGE = "advantage", _("IP advantage enterprise")
    DEMONSTRATION = "demonstration", _("IP demonstration enterprise")
    COMPLIANCE = "gbt29490", _("GB/T 29490 IP management compliance")


class CertificationLevel(models.TextChoices):
    MUNICIPAL = "municipal", _("Municipal")
    PROVINCIAL = "provincial", _("Provincial")
    NATIONAL = "national", _("National")


class AuditAction(models.TextChoices):
    """The actions this app writes to the audit trail (registered in apps.py; ADR 0013)."""

    ENTITY_CREATE = "entity.create", _("Entity created")
    ENTITY_UPDATE = "entity.update", _("Entity updated")
    ENTITY_UPDATE_CONTACT = "entity.update_contact", _("Entity contact details updated")
    ENTITY_IMPORT = "entity.import", _("Entities imported")
    CERTIFICATION_ADD = "certification.add", _("Certification added")
    CERTIFICATION_REMOVE = "certification.remove", _("Certification removed")
    DEPARTMENT_CREATE = "department.create", _("Department created")
    DEPARTMENT_UPDATE = "department.update", _("Department updated")
    DISTRICT_CREATE = "district.create", _("District created")
    DISTRICT_UPDATE = "district.update", _("District updated")


class ErrorCode(models.TextChoices):
    """The machine codes of the orgs refusals (ipcity.core.errors; the API's `code`, ADR 0016)."""

    INVALID = "invalid"
    NOT_FOUND = "not_found"
    UNKNOWN_DISTRICT = "unknown_district"
