"""Issue 8, finding 9: logins were not audited, a successful login erased the failure record, the lockout
could be keyed on a forged address, and `abcdefgh12` was an acceptable password (docs/adr/0004)."""

import datetime as dt
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory
from django.utils import timezone, translation

from ipcity.accounts import services
from ipcity.accounts.client_ip import client_ip
from ipcity.accounts.models import PasswordHistory, User
from ipcity.core.models import AuditEntry
from ipcity.demo.accounts import DEMO_PASSWORD, DEMO_USERS

pytestmark = pytest.mark.django_db

PASSWORD = "Passw0rd-test"  # the test factory's password (ipcity/accounts/testing.py)
WRONG = "Wrong-guess-123"
A, B = "10.0.0.1", "10.0.0.2"


def _login(client: Client, username: str, password: str, ip: str = A, **extra: Any) -> Any:
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip, **extra
    )


def _entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("seq"))


# --- the trail -------------------------------------------------------------------------------------------


def test_login_and_logout_are_audited(client: Client, users: Any) -> None:
    user = users["finance"]
    assert _login(client, user.username, PASSWORD, HTTP_USER_AGENT="test-browser").status_code == 302
    [entry] = _entries("auth.login")
    assert entry.actor_id == user.pk and entry.object_id == str(user.pk)
    assert entry.after == {"ip": A, "user_agent": "test-browser"}
    client.post("/accounts/logout/", REMOTE_ADDR=A)
    [out] = _entries("auth.logout")
    assert out.actor_id == user.pk and out.after is not None and out.after["ip"] == A


def test_failed_login_is_audited_without_the_password(client: Client, users: Any) -> None:
    user = users["finance"]
    assert _login(client, user.username, WRONG).status_code == 200
    _login(client, "nobody-such", WRONG, ip=B)
    first, second = _entries("auth.login_failed")
    assert first.actor_id is None and first.actor_repr == "anonymous"
    assert first.object_id == str(user.pk) and first.object_repr == user.username
    assert first.after == {"username": user.username, "ip": A, "user_agent": "", "locked_out": False}
    assert second.object_id == "" and second.after is not None and second.after["username"] == "nobody-such"
    assert second.after["ip"] == B
    assert not _entries("auth.login")
    assert all(WRONG not in str(e.after) for e in AuditEntry.objects.all())


def test_lockout_is_audited_once_and_failures_stay(client: Client, users: Any) -> None:
    username = users["auditor"].username
    for _ in range(5):
        _login(client, username, WRONG)
    assert _login(client, username, PASSWORD).status_code == 429
    [lock] = _entries("auth.lockout")
    assert lock.after is not None and lock.after["username"] == username and lock.after["ip"] == A
    failed = _entries("auth.login_failed")
    assert len(failed) == 6  # five wrong passwords and the refused correct one
    assert failed[-1].after is not None and failed[-1].after["locked_out"] is True
    assert AccessFailureLog.objects.filter(username=username).count() == 6


def test_success_does_not_erase_the_failures(client: Client, users: Any) -> None:
    """AXES_RESET_ON_SUCCESS used to delete the failure record; it stays, and still counts while recent."""
    username = users["auditor"].username
    for _ in range(4):
        _login(client, username, WRONG)
    assert _login(client, username, PASSWORD).status_code == 302
    assert AccessAttempt.objects.filter(username=username).exists()
    assert len(_entries("auth.login_failed")) == 4
    client.post("/accounts/logout/", REMOTE_ADDR=A)
    _login(client, username, WRONG)  # the fifth recent failure locks
    assert _login(client, username, PASSWORD).status_code == 429


def test_old_failures_do_not_count(client: Client, users: Any) -> None:
    """Only failures within the cool-off window count (the audit entries stay regardless)."""
    username = users["auditor"].username
    for _ in range(5):
        _login(client, username, WRONG)
    assert _login(client, username, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(hours=1))
    assert _login(client, username, PASSWORD).status_code == 302
    assert len(_entries("auth.login_failed")) == 6


def test_auditor_sees_the_login_trail(client: Client, users: Any) -> None:
    _login(Client(), users["finance"].username, PASSWORD)
    _login(Client(), users["finance"].username, WRONG)
    client.force_login(users["auditor"])
    with translation.override("zh-hans"):
        page = client.get("/audit/?action=auth.", HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = page.content.decode()
    assert page.status_code == 200
    assert "auth.login" in body and "auth.login_failed" in body and "登录失败" in body
    assert "user.create" not in body  # the filter keeps only the login trail
    entry = _entries("auth.login_failed")[0]
    detail = client.get(f"/audit/{entry.seq}/")
    assert detail.status_code == 200 and A in detail.content.decode()


@pytest.mark.parametrize("role", ["plan_office", "department", "finance", "applicant", "admin"])
def test_login_trail_hidden_from_other_roles(client: Client, users: Any, role: str) -> None:
    _login(Client(), users["finance"].username, WRONG)
    client.force_login(users[role])
    assert client.get("/audit/?action=auth.").status_code == 403
    assert client.get(f"/audit/{_entries('auth.login_failed')[0].seq}/").status_code == 403


# --- keyed lockout -----------------------------------------------------------------------------------------


def test_lockout_from_one_address_does_not_lock_the_user_elsewhere(client: Client, users: Any) -> None:
    username = users["auditor"].username
    for _ in range(5):
        _login(client, username, WRONG, ip=A)
    assert _login(client, username, PASSWORD, ip=A).status_code == 429
    assert _login(Client(), username, PASSWORD, ip=B).status_code == 302


def test_many_failures_from_one_address_lock_the_address(users: Any, settings: Any) -> None:
    """Password spraying: AXES_IP_FAILURE_LIMIT failures over any user names lock the address (not others)."""
    settings.AXES_IP_FAILURE_LIMIT = 8
    for n in range(7):
        _login(Client(), f"sprayed-{n}", WRONG, ip=A)
    assert _login(Client(), users["finance"].username, PASSWORD, ip=A).status_code == 302  # 7: not yet
    _login(Client(), "sprayed-7", WRONG, ip=A)
    assert _login(Client(), users["department"].username, PASSWORD, ip=A).status_code == 429  # 8: locked
    assert _login(Client(), users["department"].username, PASSWORD, ip=B).status_code == 302


def test_forwarded_header_is_ignored_without_a_trusted_proxy(users: Any) -> None:
    """Today's default (no proxy): a forged X-Forwarded-For neither evades the lockout nor frames anyone."""
    username = users["auditor"].username
    for n in range(5):
        _login(Client(), username, WRONG, ip=A, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert _login(Client(), username, PASSWORD, ip=A, HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429
    assert {e.after["ip"] for e in _entries("auth.login_failed") if e.after} == {A}


def test_behind_a_trusted_proxy_the_client_address_is_used(users: Any, settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "172.16.0.1"
    username = users["auditor"].username
    for _ in range(5):  # the client forges a left-most address: only the proxy's entry is believed
        _login(Client(), username, WRONG, ip=proxy, HTTP_X_FORWARDED_FOR=f"6.6.6.6, {A}")
    assert _login(Client(), username, PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR=A).status_code == 429
    assert _login(Client(), username, PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR=B).status_code == 302
    assert _entries("auth.login_failed")[0].after["ip"] == A  # type: ignore[index]


@pytest.mark.parametrize(
    ("count", "trusted", "remote", "forwarded", "expected"),
    [
        (0, [], A, "1.1.1.1", A),  # no proxy configured: the header is ignored
        (1, [], A, "1.1.1.1, 2.2.2.2", "2.2.2.2"),
        (2, [], A, "1.1.1.1, 2.2.2.2", "1.1.1.1"),
        (2, [], A, "2.2.2.2", A),  # fewer hops than proxies: not believed
        (1, [], A, "not-an-address", A),
        (1, ["10.0.0.0/8"], A, "2.2.2.2", "2.2.2.2"),  # from a trusted proxy
        (1, ["10.0.0.0/8"], "192.168.1.1", "2.2.2.2", "192.168.1.1"),  # not from one
    ],
)
def test_client_ip(
    settings: Any, count: int, trusted: list[str], remote: str, forwarded: str, expected: str
) -> None:
    settings.TRUSTED_PROXY_COUNT = count
    settings.TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


# --- password policy ---------------------------------------------------------------------------------------


def _validate(password: str, username: str = "someone") -> list[str]:
    try:
        password_validation.validate_password(password, User(username=username))
    except ValidationError as exc:
        return [e.code or "" for e in exc.error_list]
    return []


@pytest.mark.parametrize(
    ("password", "refused_for"),
    [
        ("abcdefgh12", "password_classes"),  # the reported example: two classes
        ("ABCDEFGH12", "password_classes"),
        ("abcdefgh!!", "password_classes"),
        ("Abcdefgh12", None),  # upper, lower, digit
        ("abcdefgh1!", None),  # lower, digit, symbol
        ("Abcdef1!x", "password_too_short"),  # 9 characters
        ("Abcdef1!xy", None),  # 10 characters
    ],
)
def test_password_classes_and_length(orgs: Any, password: str, refused_for: str | None) -> None:
    codes = _validate(password)
    assert (refused_for in codes) if refused_for else codes == []


def test_password_must_not_contain_the_username(orgs: Any) -> None:
    assert "password_username" in _validate("Zhangwei#2024", username="zhangwei")
    assert "password_username" in _validate("iewgnahz#2024A", username="zhangwei")
    assert _validate("Qingdao#2024x", username="zhangwei") == []


def test_password_rule_messages_in_chinese(orgs: Any) -> None:
    with translation.override("zh-hans"), pytest.raises(ValidationError) as info:
        services.user_create(actor=None, username="pw", password="abcdefgh12", role="auditor")
    assert "大写字母" in " ".join(info.value.message_dict["password"])


@pytest.mark.parametrize(
    ("username", "role"), [(u[0], u[1]) for u in DEMO_USERS] + [("applicant_hairun", "applicant")]
)
def test_demo_password_passes(orgs: Any, username: str, role: str) -> None:
    assert _validate(DEMO_PASSWORD, username=username) == []


def test_password_history_refuses_the_last_five(users: Any) -> None:
    target, admin = users["department"], users["admin"]
    passwords = [f"Rotation#{n}x2024" for n in range(6)]
    with pytest.raises(ValidationError) as info:  # the current password
        services.user_reset_password(actor=admin, user=target, password=PASSWORD)
    assert "password" in info.value.message_dict
    for password in passwords[:5]:
        services.user_reset_password(actor=admin, user=target, password=password)
    assert PasswordHistory.objects.filter(user=target).count() == 5
    for reused in passwords[:5]:  # each of the last five is refused
        with pytest.raises(ValidationError):
            services.user_reset_password(actor=admin, user=target, password=reused)
    services.user_reset_password(actor=admin, user=target, password=PASSWORD)  # the sixth back: allowed
    target.refresh_from_db()
    assert target.check_password(PASSWORD)
    assert all(not h.password.startswith("Rotation") for h in PasswordHistory.objects.all())


def test_own_password_change_checks_history(client: Client, users: Any) -> None:
    user = users["finance"]
    client.force_login(user)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert response.status_code == 200 and response.context["form"].errors.get("new_password2")
    ok = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Fresh#2025ab", "new_password2": "Fresh#2025ab"},
    )
    assert ok.status_code == 302
    back = client.post(
        "/accounts/password/",
        {"old_password": "Fresh#2025ab", "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert back.status_code == 200
    user.refresh_from_db()
    assert user.check_password("Fresh#2025ab")
