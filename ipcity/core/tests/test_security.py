"""Deployment checks and cross-cutting security behaviour."""

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[3]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # A clean deployment environment: not the test settings, nor the browser fixture's async override.
    dropped = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    full_env = {k: v for k, v in os.environ.items() if k not in dropped}
    full_env.update(env)
    return subprocess.run(  # noqa: S603 - fixed arguments, our own manage.py
        [sys.executable, str(ROOT / "manage.py"), *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=ROOT,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        AUDIT_HMAC_KEY=f"k2026:{secrets.token_urlsafe(48)}",
        ALLOWED_HOSTS="ipcity.example.cn",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_audit_key(tmp_path: Path) -> None:
    result = _manage(
        "check",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        AUDIT_HMAC_KEY="",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.returncode != 0
    assert "AUDIT_HMAC_KEY" in result.stderr


def test_check_refuses_a_short_or_malformed_audit_key(tmp_path: Path) -> None:
    for bad in ("k1:short", "no-id-separator" * 4, f"bad id:{'x' * 40}"):
        result = _manage(
            "check",
            DJANGO_SETTINGS_MODULE="config.settings.production",
            SECRET_KEY=secrets.token_urlsafe(64),
            AUDIT_HMAC_KEY=bad,
            DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        )
        assert result.returncode != 0 and "ipcity.E001" in result.stderr, bad


def test_check_deploy_refuses_the_embedded_key_file(tmp_path: Path) -> None:
    """The embedded default's key lives in a file beside the data: `check --deploy` wants one from the
    environment."""
    result = _manage(
        "check",
        "--deploy",
        DJANGO_SETTINGS_MODULE="config.settings.local",
        AUDIT_HMAC_KEY="",
        IPCITY_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.returncode != 0 and "ipcity.E002" in result.stderr
    assert (tmp_path / "audit-hmac.key").read_text().startswith("local-")


def test_production_refuses_to_start_without_secret_key(tmp_path: Path) -> None:
    result = _manage(
        "check",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_responses_carry_security_headers(client: Client, orgs: Any) -> None:
    response = client.get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Request-ID"]


@pytest.mark.django_db
def test_set_language_requires_csrf(orgs: Any) -> None:
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 403
