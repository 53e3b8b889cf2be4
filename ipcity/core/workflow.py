"""One workflow shape for every app (docs/adr/0017-one-workflow-shape.md).

A workflow is a status `TextChoices` on a model and one table of transitions, declared in the app's
`choices.py` beside the statuses:

    action name → from-states → to-state → roles (→ optional guard)

The table is the only place that says what may happen; pages, the API and services ask it the same way
(anchored on Wagtail's `models/workflows.py`, where a task's `get_actions` lists what a user may do and
`on_action` does it):

- services call `check(action, obj, user)` first: it returns the to-state or raises `NotAllowed` (the role
  may never do it) or `Conflict` (not from the object's current status), then the service does the write,
  the audit record and the locks itself — the workflow only decides;
- pages show only the buttons of `actions_for(obj, user)`; templates and views use `can(action, obj, user)`;
- `allowed(status, role)` answers the bare table question (no object), which the table-walking tests use.

Action names are spelled one way, in snake_case (`approve_content`). An API path segment is derived from
the name by one rule, `path_segment` ("_" → "-", so `/applications/{id}/approve-content`), and read back
by `action_for_segment`.

A guard is an object-level rule that belongs to the transition itself (not to who the user is in general):
a callable `(obj, user)` that raises a `DomainError` to refuse. Rules that need locked rows or several
objects (hard limits, separation of duties) stay in the service.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from .choices import ErrorCode
from .errors import Conflict, DomainError, Message, NotAllowed

Guard = Callable[[Any, Any], None]


def path_segment(action: str) -> str:
    """The API path segment of an action name: `approve_content` → `approve-content`."""
    return action.replace("_", "-")


@dataclass(frozen=True)
class Transition:
    """One row of a transitions table: from any of `sources`, a user of one of `roles` moves to `target`.

    `status_message` replaces the workflow's wrong-status message for this action when it says it better
    ("Only a draft call can be published.")."""

    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    guard: Guard | None = None
    status_message: Message | None = None

    @classmethod
    def of(
        cls,
        sources: Iterable[str],
        target: str,
        roles: Iterable[str],
        guard: Guard | None = None,
        *,
        status_message: Message | None = None,
    ) -> Transition:
        return cls(
            frozenset(str(s) for s in sources),
            str(target),
            frozenset(str(r) for r in roles),
            guard,
            status_message,
        )


# The refusals' default wording; a workflow may say it in its own words (the application's status, …).
ROLE_MESSAGE = _("This action is not allowed for your role.")
STATUS_MESSAGE = _("This cannot be done while the status is “%(status)s”.")


def role_of(user: Any) -> str:
    """The role a user acts in: '' for anonymous users, deactivated accounts and objects without one."""
    if user is None or not getattr(user, "is_active", True):
        return ""
    return str(getattr(user, "role", "") or "")


class Workflow:
    """A transitions table over the status field of one model, and the questions asked of it."""

    def __init__(
        self,
        name: str,
        transitions: Mapping[str, Transition],
        *,
        status_field: str = "status",
        system_actors: bool = False,
        role_message: Message = ROLE_MESSAGE,
        status_message: Message = STATUS_MESSAGE,
    ) -> None:
        """`system_actors`: a command or task acting as a plain string ("system", "demo") passes the role
        check (it still needs the right status); for workflows whose services accept such actors."""
        self.name = name
        self.transitions: dict[str, Transition] = {str(a): t for a, t in transitions.items()}
        self.status_field = status_field
        self.system_actors = system_actors
        self.role_message = role_message
        self.status_message = status_message
        for action in self.transitions:
            if action != action.lower() or "-" in action or " " in action:
                raise ValueError(f"workflow {name}: action names are snake_case, not {action!r}")

    # -- the table ----------------------------------------------------------------------------------

    @property
    def actions(self) -> list[str]:
        """Every action name, in the table's order."""
        return list(self.transitions)

    def transition(self, action: str) -> Transition:
        try:
            return self.transitions[action]
        except KeyError:
            raise LookupError(f"workflow {self.name} has no action {action!r}") from None

    def allowed(self, status: str, role: str) -> list[str]:
        """The actions the table allows from `status` to a user of `role` (no object, no guard)."""
        return [a for a, t in self.transitions.items() if status in t.sources and role in t.roles]

    def target(self, action: str) -> str:
        return self.transition(action).target

    def action_for_segment(self, segment: str) -> str | None:
        """The action whose API path segment is `segment`, or None."""
        return next((a for a in self.transitions if path_segment(a) == segment), None)

    def action_to(self, status: str, target: str) -> str | None:
        """The action that leads from `status` to `target`, or None (for pages that post a to-state)."""
        return next(
            (a for a, t in self.transitions.items() if status in t.sources and t.target == target), None
        )

    # -- the questions ------------------------------------------------------------------------------

    def status_of(self, obj: Any) -> str:
        return str(getattr(obj, self.status_field))

    def _status_display(self, obj: Any) -> str:
        display = getattr(obj, f"get_{self.status_field}_display", None)
        return str(display()) if callable(display) else self.status_of(obj)

    def check(self, action: str, obj: Any, user: Any) -> str:
        """The to-state of `action` on `obj` by `user`, or a refusal: NotAllowed when the user's role may
        never do it, Conflict when not from the object's current status, or whatever the guard raises."""
        transition = self.transition(action)
        system = self.system_actors and isinstance(user, str)
        if not system and role_of(user) not in transition.roles:
            raise NotAllowed(ErrorCode.ROLE, self.role_message)
        if self.status_of(obj) not in transition.sources:
            message = transition.status_message or self.status_message
            raise Conflict(ErrorCode.WRONG_STATUS, message, params={"status": self._status_display(obj)})
        if transition.guard is not None:
            transition.guard(obj, user)
        return transition.target

    def can(self, action: str, obj: Any, user: Any) -> bool:
        """Whether `check` would let `user` do `action` on `obj` now."""
        try:
            self.check(action, obj, user)
        except DomainError:
            return False
        return True

    def actions_for(self, obj: Any, user: Any) -> list[str]:
        """The actions `user` may do on `obj` now, in the table's order: the buttons a page shows."""
        return [a for a in self.transitions if self.can(a, obj, user)]
