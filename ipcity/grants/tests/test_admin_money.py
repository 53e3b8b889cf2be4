"""Issue 8, finding 1: an administrator changed its own role to finance and approved an award. The role change is
now refused (ipcity/accounts/tests/test_separation.py has the details); here, the whole path, and every money step
refused to the administrator role (docs/adr/0007-separation-of-duties.md)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ipcity.accounts import services as accounts
from ipcity.grants import services
from ipcity.grants.choices import ApplicationStatus as S
from ipcity.orgs.models import Department

from .conftest import World

pytestmark = pytest.mark.django_db


def test_admin_cannot_make_itself_finance_and_approve(world: World) -> None:
    app = world.content_approved()
    finance_dept = Department.objects.get(name="市财政局")
    with pytest.raises(ValidationError):
        accounts.user_edit(actor=world.admin, user=world.admin, role="finance", department=finance_dept)
    world.admin.refresh_from_db()
    assert world.admin.role == "admin"
    with pytest.raises(PermissionDenied):
        services.application_approve(actor=world.admin, application=app)
    app.refresh_from_db()
    assert app.status == S.CONTENT_APPROVED


def test_admin_role_passes_no_money_check(world: World) -> None:
    """Budget confirmation, approval and payment accept finance only; the administrator is refused each."""
    call = world.new_call()
    with pytest.raises(PermissionDenied):
        services.call_confirm_budget(actor=world.admin, call=call, budget_line="x")
    approvable = world.content_approved(subject="(2024)鲁06民初7号")
    with pytest.raises(PermissionDenied):
        services.application_approve(actor=world.admin, application=approvable)
    announced = world.announced(subject="(2024)鲁06民初8号")
    with pytest.raises(PermissionDenied):
        services.payment_record(
            actor=world.admin,
            application=announced,
            paid_on=timezone.localdate() + dt.timedelta(days=1),
            amount=Decimal("1.00"),
            voucher="v-1",
        )
    # the other side: finance passes the same approval check
    assert services.application_approve(actor=world.finance, application=approvable).status == S.APPROVED
