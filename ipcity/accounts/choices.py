from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PLAN_OFFICE = "plan_office", _("Plan office")
    DEPARTMENT = "department", _("Department")
    FINANCE = "finance", _("Finance bureau")
    APPLICANT = "applicant", _("Applicant")
    AUDITOR = "auditor", _("Auditor")
    ADMIN = "admin", _("Administrator")


# Roles whose user must belong to a department / an entity.
DEPARTMENT_ROLES = {Role.PLAN_OFFICE, Role.DEPARTMENT, Role.FINANCE}
ENTITY_ROLES = {Role.APPLICANT}
