import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import DEPARTMENT_ROLES, ENTITY_ROLES, ChangeKind, ChangeStatus, Role


class User(AbstractUser):
    """A person with one role, belonging to a department (staff roles) or an entity (applicants)."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    department = models.ForeignKey(
        "orgs.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    entity = models.ForeignKey(
        "orgs.Entity",
        verbose_name=_("entity"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    pending_entity = models.ForeignKey(
        "orgs.Entity",
        verbose_name=_("entity awaiting confirmation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pending_users",
        help_text=_(
            "A self-registered applicant waits here until the plan office confirms the link to the entity."
        ),
    )
    registration_licence = models.FileField(
        _("business licence"),
        upload_to="registrations/%Y/%m/",
        blank=True,
        help_text=_(
            "A scan of the entity's business licence, uploaded at self-registration for the plan office."
        ),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username

    def clean(self) -> None:
        super().clean()
        if self.role in DEPARTMENT_ROLES and self.department_id is None:
            raise ValidationError({"department": _("This role requires a department.")})
        if self.role in ENTITY_ROLES and self.entity_id is None and self.pending_entity_id is None:
            raise ValidationError({"entity": _("An applicant must belong to an entity.")})
        if self.role not in ENTITY_ROLES and (
            self.entity_id is not None or self.pending_entity_id is not None
        ):
            raise ValidationError({"entity": _("Only applicants belong to an entity.")})

    @property
    def is_entity_pending(self) -> bool:
        """A self-registered applicant whose link to an existing entity the plan office has not yet confirmed."""
        return self.entity_id is None and self.pending_entity_id is not None

    def has_role(self, *roles: str) -> bool:
        return self.is_authenticated and self.is_active and self.role in roles


def default_token_expiry() -> datetime.datetime:
    """API_TOKEN_LIFETIME_DAYS from now (ADR 0004)."""
    return timezone.now() + datetime.timedelta(days=settings.API_TOKEN_LIFETIME_DAYS)


class ApiToken(models.Model):
    """A personal token for machine clients of the API. Only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), default=default_token_expiry)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} · {self.name}"

    def is_expired(self, now: datetime.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.expires_at

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def new_raw() -> str:
        return "ipc_" + secrets.token_urlsafe(32)


class AccountChangeRequest(models.Model):
    """A change no administrator may make alone (docs/adr/0007-separation-of-duties.md): one administrator
    files it, a *different* administrator — not the account's owner either — confirms it, and only then is it
    applied. Rejecting (or withdrawing by the requester) closes it. Every step is audited."""

    user = models.ForeignKey(
        User, verbose_name=_("account"), on_delete=models.PROTECT, related_name="change_requests"
    )
    kind = models.CharField(_("change"), max_length=20, choices=ChangeKind.choices)
    role = models.CharField(_("new role"), max_length=20, choices=Role.choices, blank=True)
    department = models.ForeignKey(
        "orgs.Department",
        verbose_name=_("new department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A requested password reset keeps only the new password's hash until it is confirmed; never audited.
    password_hash = models.CharField(max_length=128, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=ChangeStatus.choices, default=ChangeStatus.PENDING
    )
    requested_by = models.ForeignKey(
        User, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        User, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("account change request")
        verbose_name_plural = _("account change requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=models.Q(status="pending"),
                name="accounts_one_pending_change_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()}"


class PasswordHistory(models.Model):
    """The hashes of a user's latest passwords, so that a new one can be refused if it repeats one of them
    (accounts.validators.PasswordHistoryValidator). Only hashes; the newest few per user are kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("password history")
        verbose_name_plural = _("password history")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d}"
