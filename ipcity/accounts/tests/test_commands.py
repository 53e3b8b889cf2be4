"""manage.py api_token: a personal API token for an integration, printed once, audited."""

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ipcity.accounts import services
from ipcity.accounts.models import ApiToken
from ipcity.core.models import AuditEntry


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("api_token", *args, stdout=out)
    return out.getvalue().strip()


@pytest.mark.django_db(transaction=True)
def test_printed_token_authenticates_over_http(http: Any, users: Any) -> None:
    user = users["finance"]
    raw = run(user.username, "--name", "烟台银行对接")
    assert raw.startswith("ipc_")
    me = http.get("/api/accounts/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.status_code == 200 and me.json()["username"] == user.username
    token = ApiToken.objects.get(user=user)
    assert token.name == "烟台银行对接" and token.digest == ApiToken.digest_of(raw)
    assert raw not in token.digest  # only the digest is stored


def test_default_name(users: Any) -> None:
    run(users["auditor"].username)
    assert ApiToken.objects.get(user=users["auditor"]).name == "integration"


def test_creation_is_audited_without_the_raw_token(users: Any) -> None:
    user = users["auditor"]
    raw = run(user.username, "--name", "统计局")
    token = ApiToken.objects.get(user=user)
    entry = AuditEntry.objects.get(action="api_token.create")
    assert entry.actor is None and entry.actor_repr == "manage.py api_token"
    assert entry.object_type == "accounts.apitoken" and entry.object_id == str(token.pk)
    # The token's expiry (API_TOKEN_LIFETIME_DAYS) is part of what was created, and audited with it.
    assert entry.after == {"user": user.pk, "name": "统计局", "expires_at": token.expires_at.isoformat()}
    assert raw not in str(entry.after) and raw not in entry.object_repr
    call_command("audit", "verify", stdout=io.StringIO())  # the chain stays intact


def test_unknown_user_is_a_clear_error_with_a_failing_exit_code(users: Any) -> None:
    with pytest.raises(CommandError) as raised:
        run("nobody")
    assert "No user named 'nobody'" in str(raised.value)
    assert raised.value.returncode != 0
    assert not ApiToken.objects.exists() and not AuditEntry.objects.filter(action="api_token.create").exists()


def test_deactivated_user_is_refused(users: Any) -> None:
    user = users["department"]
    services.user_set_active(actor=users["admin"], user=user, active=False)
    with pytest.raises(CommandError) as raised:
        run(user.username)
    assert "This account is deactivated" in str(raised.value) and "该账户已停用" in str(raised.value)
    assert raised.value.returncode != 0
    assert not ApiToken.objects.filter(user=user).exists()
    assert not AuditEntry.objects.filter(action="api_token.create").exists()


def test_service_refuses_a_token_for_a_deactivated_user_and_accepts_an_active_one(users: Any) -> None:
    from django.core.exceptions import ValidationError

    user = users["applicant"]
    services.api_token_create(actor=users["admin"], user=user, name="active")  # active: allowed
    services.user_set_active(actor=users["admin"], user=user, active=False)
    with pytest.raises(ValidationError) as raised:
        services.api_token_create(actor=users["admin"], user=user, name="late")
    assert "user" in raised.value.message_dict
    assert not ApiToken.objects.filter(user=user).exists()
