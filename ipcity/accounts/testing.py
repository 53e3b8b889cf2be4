"""Test helpers shared by the root conftest and the orgs/accounts/core fixtures (one factory, not two)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# The department a staff user gets when the test names none.
DEFAULT_DEPARTMENT = {"plan_office": "市市场监管局", "finance": "市财政局", "department": "市司法局"}


def user_factory() -> Callable[..., Any]:
    """make_user(role, department=<name>, entity=None, username=None) -> a saved, active user. The departments
    must exist (the policy package or the orgs test fixture creates them)."""
    from ipcity.accounts.models import User
    from ipcity.orgs.models import Department

    counter = {"n": 0}

    def make(
        role: str, department: str | None = None, entity: Any = None, username: str | None = None
    ) -> Any:
        counter["n"] += 1
        dept = Department.objects.get(name=department) if department else None
        if dept is None and role in DEFAULT_DEPARTMENT:
            dept = Department.objects.get(name=DEFAULT_DEPARTMENT[role])
        user = User(
            username=username or f"{role}-{counter['n']}",
            role=role,
            department=dept,
            entity=entity,
            email=f"{role}{counter['n']}@example.org",
        )
        user.set_password("Passw0rd-test")
        user.full_clean()
        user.save()
        return user

    return make
