"""Separation of duties for administrators (issue 8, finding 1; docs/adr/0007-separation-of-duties.md).

An administrator could make itself `finance`, reset anyone's password and deactivate the auditor. Now: nobody
acts on their own account's role, status or password; a role change to or from plan office, finance, auditor
or administrator, and the password reset or activation of such an account, and the deactivation of an
auditor, are change requests that a *second* administrator confirms.
"""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from ipcity.accounts import services
from ipcity.accounts.choices import ChangeKind, ChangeStatus
from ipcity.accounts.models import AccountChangeRequest, ApiToken, User
from ipcity.core.models import AuditEntry

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Yantai2025-new"


@pytest.fixture
def admin2(make_user: Any) -> Any:
    return make_user("admin")


@pytest.fixture
def admin3(make_user: Any) -> Any:
    return make_user("admin")


def _fresh(user: Any) -> Any:
    return User.objects.get(pk=user.pk)


# --- the reported attack: the administrator promotes itself -------------------------------------------------


@pytest.mark.parametrize("role", ["finance", "plan_office", "auditor", "department"])
def test_admin_cannot_change_own_role(users: Any, orgs: Any, role: str) -> None:
    admin = users["admin"]
    dept = orgs["departments"]["市财政局"] if role != "auditor" else None
    audit_before = AuditEntry.objects.count()
    for call in (services.user_update, services.user_edit):
        with pytest.raises(ValidationError) as info:
            call(actor=admin, user=admin, role=role, department=dept)
        assert "role" in info.value.message_dict
    with pytest.raises(ValidationError):
        services.account_change_request(
            actor=admin, user=admin, kind=ChangeKind.ROLE, role=role, department=dept
        )
    assert _fresh(admin).role == "admin"
    assert not AccountChangeRequest.objects.exists()
    assert AuditEntry.objects.count() == audit_before


def test_admin_may_edit_own_name(users: Any) -> None:
    """The other side: the plain fields of one's own account are not guarded."""
    services.user_edit(actor=users["admin"], user=users["admin"], display_name="管理员甲", role="admin")
    assert _fresh(users["admin"]).display_name == "管理员甲"


def test_self_promotion_refused_on_the_page(client: Client, users: Any, orgs: Any) -> None:
    admin = users["admin"]
    client.force_login(admin)
    response = client.post(
        f"/accounts/users/{admin.pk}/",
        {"role": "finance", "department": orgs["departments"]["市财政局"].pk, "display_name": "x"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors.get("role")
    assert _fresh(admin).role == "admin" and _fresh(admin).display_name == ""
    assert not AccountChangeRequest.objects.exists()


def test_admin_cannot_deactivate_or_reset_self(users: Any) -> None:
    admin = users["admin"]
    with pytest.raises(ValidationError):
        services.user_set_active(actor=admin, user=admin, active=False)
    with pytest.raises(ValidationError) as info:
        services.user_reset_password(actor=admin, user=admin, password=NEW_PASSWORD)
    assert "password" in info.value.message_dict
    for kind in (ChangeKind.PASSWORD, ChangeKind.DEACTIVATE):
        with pytest.raises(ValidationError):
            services.account_change_request(actor=admin, user=admin, kind=kind, password=NEW_PASSWORD)
    admin = _fresh(admin)
    assert admin.is_active and not admin.check_password(NEW_PASSWORD)


# --- a money role needs a second administrator --------------------------------------------------------------


@pytest.mark.parametrize("role", ["finance", "plan_office"])
def test_money_role_grant_is_pending_until_a_second_admin_confirms(
    users: Any, orgs: Any, admin2: Any, role: str
) -> None:
    target = users["department"]
    dept = orgs["departments"]["市财政局"]
    with pytest.raises(ValidationError) as info:  # the direct path refuses
        services.user_update(actor=users["admin"], user=target, role=role, department=dept)
    assert "role" in info.value.message_dict
    change = services.user_edit(
        actor=users["admin"], user=target, role=role, department=dept, display_name="新名"
    )
    assert change is not None and change.status == ChangeStatus.PENDING
    target = _fresh(target)
    assert target.role == "department" and target.display_name == "新名"  # plain field applied, role not
    with pytest.raises(ValidationError):  # the requester cannot confirm its own request
        services.account_change_confirm(actor=users["admin"], change=change)
    assert _fresh(target).role == "department"
    services.account_change_confirm(actor=admin2, change=change)
    target = _fresh(target)
    assert target.role == role and target.department == dept
    change.refresh_from_db()
    assert change.status == ChangeStatus.CONFIRMED and change.decided_by == admin2
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", "actor_repr"))
    assert ("account_change.request", users["admin"].username) in actions
    assert ("account_change.confirm", admin2.username) in actions
    applied = AuditEntry.objects.filter(action="user.update", object_id=str(target.pk)).latest("seq")
    assert applied.after is not None and applied.after["role"] == role
    assert applied.after["change_request"] == change.pk


def test_plain_role_change_needs_no_second_admin(users: Any, orgs: Any) -> None:
    """The other side: department ↔ department of another bureau is applied at once."""
    target = users["department"]
    change = services.user_edit(
        actor=users["admin"], user=target, role="department", department=orgs["departments"]["市法院"]
    )
    assert change is None and _fresh(target).department == orgs["departments"]["市法院"]
    with pytest.raises(ValidationError):
        services.account_change_request(
            actor=users["admin"],
            user=target,
            kind=ChangeKind.ROLE,
            role="department",
            department=orgs["departments"]["市司法局"],
        )


def test_second_person_grant_on_the_pages(client: Client, users: Any, orgs: Any, admin2: Any) -> None:
    target = users["department"]
    client.force_login(users["admin"])
    response = client.post(
        f"/accounts/users/{target.pk}/",
        {"role": "finance", "department": orgs["departments"]["市财政局"].pk, "display_name": ""},
    )
    assert response.status_code == 302
    assert _fresh(target).role == "department"
    change = AccountChangeRequest.objects.get(user=target)
    listing = client.get("/accounts/changes/")
    assert target.username in listing.content.decode()
    client.post(f"/accounts/changes/{change.pk}/", {"decision": "confirm"})
    assert _fresh(target).role == "department"  # the requester's confirmation is refused
    other = Client()
    other.force_login(admin2)
    assert other.post(f"/accounts/changes/{change.pk}/", {"decision": "confirm"}).status_code == 302
    assert _fresh(target).role == "finance"


def test_requester_may_withdraw_and_nothing_changes(users: Any, orgs: Any) -> None:
    target = users["department"]
    change = services.user_edit(
        actor=users["admin"], user=target, role="finance", department=orgs["departments"]["市财政局"]
    )
    assert change is not None
    services.account_change_reject(actor=users["admin"], change=change)
    change.refresh_from_db()
    assert change.status == ChangeStatus.REJECTED and _fresh(target).role == "department"
    with pytest.raises(ValidationError):  # decided: cannot be confirmed any more
        services.account_change_confirm(actor=users["admin"], change=change)


def test_one_pending_request_per_kind(users: Any, orgs: Any) -> None:
    target, dept = users["department"], orgs["departments"]["市财政局"]
    services.user_edit(actor=users["admin"], user=target, role="finance", department=dept)
    with pytest.raises(ValidationError):
        services.user_edit(actor=users["admin"], user=target, role="plan_office", department=dept)
    assert AccountChangeRequest.objects.count() == 1


def test_create_finance_account_starts_inactive(users: Any, orgs: Any, admin2: Any) -> None:
    new = services.user_create(
        actor=users["admin"],
        username="newfin",
        password=NEW_PASSWORD,
        role="finance",
        department=orgs["departments"]["市财政局"],
    )
    assert not new.is_active
    change = AccountChangeRequest.objects.get(user=new, kind=ChangeKind.ACTIVATE)
    with pytest.raises(ValidationError):  # one administrator cannot activate it alone
        services.user_set_active(actor=users["admin"], user=new, active=True)
    with pytest.raises(ValidationError):
        services.account_change_confirm(actor=users["admin"], change=change)
    assert not _fresh(new).is_active
    services.account_change_confirm(actor=admin2, change=change)
    assert _fresh(new).is_active


def test_create_department_account_is_active_at_once(users: Any, orgs: Any) -> None:
    new = services.user_create(
        actor=users["admin"],
        username="newdept",
        password=NEW_PASSWORD,
        role="department",
        department=orgs["departments"]["市司法局"],
    )
    assert new.is_active and not AccountChangeRequest.objects.exists()


def test_one_admin_cannot_create_a_second_admin_to_confirm(users: Any, orgs: Any) -> None:
    """The sock-puppet route: an administrator account made by one administrator is inactive, and its
    activation needs a second administrator."""
    puppet = services.user_create(
        actor=users["admin"], username="puppet", password=NEW_PASSWORD, role="admin"
    )
    assert not puppet.is_active and not puppet.has_role("admin")


# --- the auditor, and other administrators ---------------------------------------------------------------


def test_admin_cannot_deactivate_auditor_alone(users: Any, admin2: Any) -> None:
    auditor = users["auditor"]
    services.api_token_create(actor=auditor, user=auditor, name="script")
    with pytest.raises(ValidationError):
        services.user_set_active(actor=users["admin"], user=auditor, active=False)
    assert _fresh(auditor).is_active
    change = services.account_change_request(actor=users["admin"], user=auditor, kind=ChangeKind.DEACTIVATE)
    assert _fresh(auditor).is_active
    services.account_change_confirm(actor=admin2, change=change)
    assert not _fresh(auditor).is_active
    assert not ApiToken.objects.filter(user=auditor).exists()


def test_deactivating_other_roles_is_immediate(users: Any) -> None:
    """The other side: deactivation removes rights, so one administrator may do it at once (a compromised
    finance account must be stoppable quickly)."""
    for role in ("finance", "plan_office", "department", "applicant"):
        services.user_set_active(actor=users["admin"], user=users[role], active=False)
        assert not _fresh(users[role]).is_active


@pytest.mark.parametrize("role", ["auditor", "finance", "plan_office", "admin"])
def test_password_of_guarded_account_needs_second_admin(
    users: Any, make_user: Any, admin2: Any, admin3: Any, role: str
) -> None:
    target = users[role] if role != "admin" else admin3
    with pytest.raises(ValidationError) as info:
        services.user_reset_password(actor=users["admin"], user=target, password=NEW_PASSWORD)
    assert "password" in info.value.message_dict
    assert not _fresh(target).check_password(NEW_PASSWORD)
    change = services.account_change_request(
        actor=users["admin"], user=target, kind=ChangeKind.PASSWORD, password=NEW_PASSWORD
    )
    assert NEW_PASSWORD not in change.password_hash
    assert not _fresh(target).check_password(NEW_PASSWORD)
    if role == "admin":  # the account's owner cannot confirm a change to it
        with pytest.raises(ValidationError):
            services.account_change_confirm(actor=target, change=change)
    services.account_change_confirm(actor=admin2, change=change)
    assert _fresh(target).check_password(NEW_PASSWORD)
    entries = AuditEntry.objects.filter(object_type="accounts.accountchangerequest")
    assert all("pbkdf2" not in str(e.after) and "md5" not in str(e.after) for e in entries)


def test_password_request_checks_the_rules(users: Any) -> None:
    with pytest.raises(ValidationError) as info:
        services.account_change_request(
            actor=users["admin"], user=users["finance"], kind=ChangeKind.PASSWORD, password="short"
        )
    assert "password" in info.value.message_dict
    assert not AccountChangeRequest.objects.exists()


def test_reset_password_of_auditor_on_the_page_files_a_request(client: Client, users: Any) -> None:
    auditor = users["auditor"]
    client.force_login(users["admin"])
    page = client.get(f"/accounts/users/{auditor.pk}/password/")
    assert page.context["needs_second"]
    client.post(f"/accounts/users/{auditor.pk}/password/", {"password": NEW_PASSWORD})
    assert not _fresh(auditor).check_password(NEW_PASSWORD)
    assert AccountChangeRequest.objects.filter(user=auditor, kind=ChangeKind.PASSWORD).exists()
    client.post(f"/accounts/users/{auditor.pk}/active/", {"active": "0"})
    assert _fresh(auditor).is_active
    assert AccountChangeRequest.objects.filter(user=auditor, kind=ChangeKind.DEACTIVATE).exists()


def test_role_change_of_auditor_needs_second_admin(users: Any, orgs: Any) -> None:
    with pytest.raises(ValidationError):
        services.user_update(
            actor=users["admin"],
            user=users["auditor"],
            role="department",
            department=orgs["departments"]["市司法局"],
        )
    assert _fresh(users["auditor"]).role == "auditor"


@pytest.mark.parametrize("role", ["plan_office", "department", "finance", "applicant", "auditor"])
def test_only_admins_file_or_decide_requests(users: Any, orgs: Any, role: str, admin2: Any) -> None:
    change = services.user_edit(
        actor=users["admin"],
        user=users["department"],
        role="finance",
        department=orgs["departments"]["市财政局"],
    )
    assert change is not None
    with pytest.raises(PermissionDenied):
        services.account_change_confirm(actor=users[role], change=change)
    with pytest.raises(PermissionDenied):
        services.account_change_reject(actor=users[role], change=change)
    target = users["applicant"] if role != "applicant" else users["department"]
    with pytest.raises(PermissionDenied):
        services.account_change_request(actor=users[role], user=target, kind=ChangeKind.PASSWORD)
    change.refresh_from_db()
    assert change.status == ChangeStatus.PENDING


@pytest.mark.parametrize("role", ["plan_office", "department", "finance", "applicant", "auditor"])
def test_change_pages_refused_for_other_roles(client: Client, users: Any, role: str) -> None:
    client.force_login(users[role])
    assert client.get("/accounts/changes/").status_code == 403


# --- the Django admin site cannot be used instead ---------------------------------------------------------


def test_admin_site_cannot_change_role(client: Client, users: Any) -> None:
    admin = users["admin"]
    client.force_login(admin)
    response = client.post(
        f"/admin/accounts/user/{admin.pk}/change/",
        {"username": admin.username, "role": "finance", "is_active": "on", "is_superuser": "on"},
    )
    assert response.status_code == 403
    admin = _fresh(admin)
    assert admin.role == "admin" and not admin.is_superuser
    page = client.get(f"/admin/accounts/user/{admin.pk}/change/")
    assert page.status_code == 200 and b'name="role"' not in page.content
    assert client.get("/admin/accounts/accountchangerequest/").status_code == 200
    assert client.get("/admin/accounts/accountchangerequest/add/").status_code == 403
