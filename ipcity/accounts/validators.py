"""Password rules beyond Django's (docs/adr/0004): GB/T 22239-2019 level 3 practice — at least three of four
character classes, not the user name, not one of the last passwords."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def _classes(password: str) -> int:
    return sum(
        [
            any(c.isupper() for c in password),
            any(c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
    )


class CharacterClassValidator:
    """At least `min_classes` of: upper-case letters, lower-case letters, digits, other characters."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: object = None) -> None:
        if _classes(password) < self.min_classes:
            raise ValidationError(
                _(
                    "The password must contain at least %(n)d of these four kinds of character: upper-case "
                    "letters, lower-case letters, digits and symbols."
                )
                % {"n": self.min_classes},
                code="password_classes",
            )

    def get_help_text(self) -> str:
        return _(
            "Your password must contain at least %(n)d of: upper-case letters, lower-case letters, digits, "
            "symbols."
        ) % {"n": self.min_classes}


class UsernameValidator:
    """The user name (3 characters or more) must not appear in the password, in any case or reversed.
    (Django's UserAttributeSimilarityValidator also refuses passwords merely *similar* to it.)"""

    def validate(self, password: str, user: Any = None) -> None:
        username = (getattr(user, "username", "") or "").lower()
        lowered = password.lower()
        if len(username) >= 3 and (username in lowered or username[::-1] in lowered):
            raise ValidationError(_("The password must not contain the user name."), code="password_username")

    def get_help_text(self) -> str:
        return _("Your password must not contain your user name.")


class PasswordHistoryValidator:
    """Not the current password nor one of the last `count` (accounts.PasswordHistory keeps their hashes).

    `password_changed` is Django's hook, called whenever a password is set and saved (`set_password` then
    `save`): it records the new hash through the accounts service."""

    def __init__(self, count: int = 5) -> None:
        self.count = count

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or getattr(user, "pk", None) is None:
            return
        from .models import PasswordHistory

        hashes = list(
            PasswordHistory.objects.filter(user_id=user.pk)
            .order_by("-created_at", "-id")
            .values_list("password", flat=True)[: self.count]
        )
        current = getattr(user, "password", "")
        if current and current not in hashes:
            hashes.append(current)
        if any(check_password(password, h) for h in hashes if h):
            raise ValidationError(
                ngettext(
                    "The password must differ from your last password.",
                    "The password must differ from your last %(n)d passwords.",
                    self.count,
                )
                % {"n": self.count},
                code="password_reused",
            )

    def password_changed(self, password: str, user: Any = None) -> None:
        if user is None or getattr(user, "pk", None) is None:
            return
        from .services import password_history_record

        password_history_record(user=user, keep=self.count)

    def get_help_text(self) -> str:
        return ngettext(
            "Your password must differ from your last password.",
            "Your password must differ from your last %(n)d passwords.",
            self.count,
        ) % {"n": self.count}
