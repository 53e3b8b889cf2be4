"""One error hierarchy for every app (docs/adr/0016-errors-and-workflows.md).

A service refuses by raising a `DomainError`: a machine code (a member of the app's `ErrorCode` enum in its
`choices.py`, never a string literal at the raise), a message (an English msgid, translated lazily — the
Chinese is in the app's django.po, so the same error reads in the user's language), optional per-field
messages, and the HTTP status it means. Pages and the API never decide the status themselves:

- the API maps every `DomainError` to its JSON shape in one place (config/api.py → `api_body`);
- pages show it in one place (`add_to_form` for a form, `message_text` for the messages framework).

Which subclass to raise:
    NotAllowed (403)  the actor's role or relation to the object does not allow the action at all;
    NotFound   (404)  the object does not exist or is not visible to the actor;
    Invalid    (422)  the input is wrong — give per-field messages where a field is to blame;
    Conflict   (409)  allowed in principle, refused in the object's current state (workflow step, limit).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from ipcity.core.choices import ErrorCode

Message = str | Promise

# The field name of a message that concerns the whole object, as Django forms spell it.
NON_FIELD = "__all__"


class DomainError(Exception):
    """A refusal a user can understand: code + message in their language + optional field messages."""

    status: ClassVar[int] = 409

    def __init__(
        self,
        code: str,
        message: Message,
        *,
        fields: Mapping[str, Sequence[Message]] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> None:
        self.code = str(code)
        self._message = message
        self.params = dict(params or {})
        self.fields: dict[str, list[Message]] = {name: list(msgs) for name, msgs in (fields or {}).items()}
        super().__init__(self.code)

    @property
    def message(self) -> str:
        """The message in the active language, with its %(name)s parameters filled in."""
        text = str(self._message)
        return text % self.params if self.params else text

    def message_in(self, language: str) -> str:
        with override(language):
            return self.message

    def field_messages(self) -> dict[str, list[str]]:
        """Per-field messages in the active language; the whole-object message under NON_FIELD if none."""
        if not self.fields:
            return {NON_FIELD: [self.message]}
        return {name: [str(m) for m in msgs] for name, msgs in self.fields.items()}

    @property
    def message_dict(self) -> dict[str, list[str]]:
        """`field_messages()` under the name Django's ValidationError gives it, so code reads both alike."""
        return self.field_messages()

    @property
    def messages(self) -> list[str]:
        """Every message, as Django's ValidationError.messages."""
        return [m for msgs in self.field_messages().values() for m in msgs]

    def __str__(self) -> str:
        return self.message


class NotAllowed(DomainError, PermissionDenied):
    """Also a PermissionDenied, so a page that does not catch it answers Django's 403 page."""

    status = 403


class NotFound(DomainError):
    status = 404


class Invalid(DomainError):
    status = 422

    @classmethod
    def on_field(cls, code: str, field: str, message: Message) -> Invalid:
        """The input is wrong in one field: the message is the error's and that field's."""
        return cls(code, message, fields={field: [message]})


class Conflict(DomainError):
    status = 409


def api_body(exc: DomainError) -> dict[str, Any]:
    """The API's error shape (ipcity.core.api_errors.ErrorOut) for a domain error.

    422 lists one entry per field message ({"field", "message", "type"}); other statuses give the message.
    """
    if exc.status == 422:
        detail = [
            {"field": "" if name == NON_FIELD else name, "message": message, "type": exc.code}
            for name, messages in exc.field_messages().items()
            for message in messages
        ]
        return {"detail": detail, "code": exc.code}
    return {"detail": exc.message, "code": exc.code}


NOT_ALLOWED_MESSAGE = _("This action is not allowed for your role.")
NOT_FOUND_MESSAGE = _("Not found.")


def from_validation_error(exc: ValidationError, code: str = ErrorCode.INVALID) -> Invalid:
    """A Django ValidationError (model clean, validators) as an Invalid with the same per-field messages."""
    if hasattr(exc, "error_dict"):
        fields: dict[str, list[Message]] = {name: list(msgs) for name, msgs in exc.message_dict.items()}
    else:
        fields = {NON_FIELD: list(exc.messages)}
    return Invalid(code, " ".join(m for msgs in fields.values() for m in map(str, msgs)), fields=fields)


def full_clean(obj: Any, **kwargs: Any) -> None:
    """`obj.full_clean(**kwargs)`, its ValidationError raised as an Invalid (for services)."""
    try:
        obj.full_clean(**kwargs)
    except ValidationError as exc:
        raise from_validation_error(exc) from None


def as_domain_error(exc: Exception) -> DomainError:
    """Any refusal a page or the API can show, as a DomainError.

    DomainError as it is; Django's ValidationError as Invalid, PermissionDenied as NotAllowed, Http404 as
    NotFound (their own message, or the shared one)."""
    if isinstance(exc, DomainError):
        return exc
    if isinstance(exc, ValidationError):
        return from_validation_error(exc)
    if isinstance(exc, PermissionDenied):
        return NotAllowed(ErrorCode.NOT_ALLOWED, str(exc) or NOT_ALLOWED_MESSAGE)
    if isinstance(exc, Http404):
        return NotFound(ErrorCode.NOT_FOUND, str(exc) or NOT_FOUND_MESSAGE)
    raise TypeError(f"not a refusal: {exc!r}")


# The exceptions `as_domain_error` understands: what a page catches around a service call.
REFUSALS = (DomainError, ValidationError, PermissionDenied)


def message_text(exc: Exception) -> str:
    """The refusal as one message in the active language (for django.contrib.messages)."""
    return as_domain_error(exc).message


def add_to_form(form: Any, exc: Exception, mapping: Mapping[str, str] | None = None) -> None:
    """Show a refusal on a Django form: each field's messages on that field (or the form if unknown).

    `exc` is a DomainError or anything `as_domain_error` takes; `mapping` renames a service's field to the
    form's (e.g. {"name": "entity_name"})."""
    mapping = mapping or {}
    fields = getattr(form, "fields", {})
    for name, messages in as_domain_error(exc).field_messages().items():
        name = mapping.get(name, name)
        target = name if name in fields else None
        for message in messages:
            form.add_error(target, message)
