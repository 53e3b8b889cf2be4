"""Finding 8: API tokens expire, and die with a password change, a password reset or a deactivation;
each revocation is in the audit trail. Over real HTTP (the `http` fixture)."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ipcity.accounts import services
from ipcity.accounts.models import ApiToken
from ipcity.core.models import AuditEntry

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Passw0rd-test"
NEW_PASSWORD = "Yantai2025-new"


def _token_of(user: Any) -> ApiToken:
    return ApiToken.objects.filter(user=user).latest("pk")


def test_new_token_expires_after_the_configured_lifetime(users: Any, settings: Any) -> None:
    settings.API_TOKEN_LIFETIME_DAYS = 30
    token, _raw = services.api_token_create(actor=users["auditor"], user=users["auditor"], name="script")
    expected = timezone.now() + dt.timedelta(days=30)
    assert abs((token.expires_at - expected).total_seconds()) < 60
    entry = AuditEntry.objects.filter(action="api_token.create").latest("pk")
    assert (entry.after or {})["expires_at"] == token.expires_at.isoformat()


def test_token_works_just_before_expiry_and_is_401_just_after(http: Any, users: Any) -> None:
    client = http.as_user(users["auditor"])
    tokens = ApiToken.objects.filter(pk=_token_of(users["auditor"]).pk)
    tokens.update(expires_at=timezone.now() + dt.timedelta(seconds=30))
    assert client.get("/api/accounts/me").status_code == 200
    used = tokens.get().last_used_at
    tokens.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/api/accounts/me")
    assert response.status_code == 401
    body = response.json()
    assert body["detail"][0]["type"] == "token_expired"
    assert "expired" in body["detail"][0]["message"] and "已过期" in body["detail"][0]["message"]
    assert used is not None and tokens.get().last_used_at == used  # a refused request is not a use


def test_password_change_revokes_every_token(http: Any, users: Any) -> None:
    user = users["department"]
    first, second = http.as_user(user), http.as_user(user)
    other = http.as_user(users["auditor"])
    assert first.get("/api/accounts/me").status_code == 200
    browser = Client()
    browser.force_login(user)
    response = browser.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert browser.get("/accounts/me/").status_code == 200  # this session survives the change
    assert first.get("/api/accounts/me").status_code == 401
    assert second.get("/api/accounts/me").status_code == 401
    assert other.get("/api/accounts/me").status_code == 200  # someone else's token is untouched
    assert not ApiToken.objects.filter(user=user).exists()
    revoked = AuditEntry.objects.get(action="api_token.revoke_all", object_id=str(user.pk))
    assert (revoked.after or {})["reason"] == "password_change" and len((revoked.before or {})["tokens"]) == 2
    assert AuditEntry.objects.filter(action="user.change_password", object_id=str(user.pk)).exists()


def test_wrong_old_password_changes_nothing(http: Any, users: Any) -> None:
    user = users["department"]
    client = http.as_user(user)
    browser = Client()
    browser.force_login(user)
    response = browser.post(
        "/accounts/password/",
        {"old_password": "wrong-one-1", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert client.get("/api/accounts/me").status_code == 200


def test_password_reset_by_admin_revokes_every_token(http: Any, users: Any) -> None:
    user = users["department"]  # a finance account's reset needs a second administrator (ADR 0007)
    client = http.as_user(user)
    admin = Client()
    admin.force_login(users["admin"])
    response = admin.post(f"/accounts/users/{user.pk}/password/", {"password": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get("/api/accounts/me").status_code == 401
    revoked = AuditEntry.objects.get(action="api_token.revoke_all", object_id=str(user.pk))
    assert (revoked.after or {})["reason"] == "password_reset" and revoked.actor_id == users["admin"].pk


def test_deactivation_revokes_every_token_and_is_audited(http: Any, users: Any) -> None:
    user = users["department"]  # reactivating a finance account needs a second administrator (ADR 0007)
    client = http.as_user(user)
    services.user_set_active(actor=users["admin"], user=user, active=False)
    services.user_set_active(actor=users["admin"], user=user, active=True)
    assert client.get("/api/accounts/me").status_code == 401  # reactivation does not bring it back
    revoked = AuditEntry.objects.get(action="api_token.revoke_all", object_id=str(user.pk))
    assert (revoked.after or {})["reason"] == "deactivation"


def test_no_tokens_no_revocation_entry(users: Any) -> None:
    services.user_reset_password(actor=users["admin"], user=users["department"], password=NEW_PASSWORD)
    assert not AuditEntry.objects.filter(action="api_token.revoke_all").exists()


def test_token_page_shows_expiry(users: Any) -> None:
    browser = Client()
    browser.force_login(users["auditor"])
    services.api_token_create(actor=users["auditor"], user=users["auditor"], name="nightly")
    token = _token_of(users["auditor"])
    page = browser.get("/accounts/tokens/").content.decode()
    assert timezone.localtime(token.expires_at).strftime("%Y-%m-%d %H:%M") in page
