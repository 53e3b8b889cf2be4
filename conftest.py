"""Fixtures shared by every app's tests: the loaded Yantai plan, users per role, a real HTTP client,
and a real browser (Debian's chromium driven by Playwright)."""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from django.conf import settings
from django.db import connection


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)
        if "browser" in item.keywords:
            # One xdist worker drives the browser tests, so two chromiums never compete for 2 cores.
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache: the database is rolled back between tests, so a cache
    key made from it (e.g. the audit head) could otherwise name another test's data."""
    from django.core.cache import cache

    cache.clear()


def _load_policy() -> str:
    from django.core.management import call_command

    out = io.StringIO()
    call_command("load_policy", str(settings.POLICY_ROOT / settings.DEFAULT_POLICY), stdout=out)
    return out.getvalue()


@pytest.fixture(scope="session")
def policy_snapshot() -> Any:
    """`load_policy`, run once per database state per test session (per xdist worker); see `plan`."""
    from ipcity.core.testing import DataSnapshot

    return DataSnapshot(_load_policy)


@pytest.fixture
def plan(policy_snapshot: Any, db: Any) -> Any:
    """The real Yantai plan, loaded from its policy package (again after a transactional test's flush).

    Fast: `load_policy` runs once per session and its ~230 rows are written back in bulk for later tests
    (docs/contributing.md, "Test speed"; ipcity/core/testing.py). If the test has already written to the
    database, `load_policy` itself runs, so the result is always what the command gives."""
    from ipcity.plan.models import Plan

    found = Plan.objects.filter(code=settings.DEFAULT_POLICY).first()
    if found is None:
        policy_snapshot.apply()
        found = Plan.objects.get(code=settings.DEFAULT_POLICY)
    return found


@pytest.fixture
def make_user(plan: Any) -> Any:
    """make_user(role, department_name=None, entity=None, username=None) -> a saved, active user."""
    from ipcity.accounts.testing import user_factory

    return user_factory()


@pytest.fixture
def http(live_server: Any) -> Any:
    """A requests session against the live server (real HTTP), with helpers to log in via a token."""
    from ipcity.accounts.models import ApiToken

    class Client(requests.Session):
        base = live_server.url

        def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
            url = url.decode() if isinstance(url, bytes) else url
            if url.startswith("/"):
                url = self.base + url
            kwargs.setdefault("timeout", 30)
            return super().request(method, url, *args, **kwargs)

        def as_user(self, user: Any) -> Client:
            raw = ApiToken.new_raw()
            ApiToken.objects.create(user=user, name="test", digest=ApiToken.digest_of(raw))
            other = Client()
            other.headers["Authorization"] = f"Bearer {raw}"
            return other

    return Client()


CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Debian's chromium is required for browser tests ({CHROMIUM}); run `make system`.")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    context.set_default_timeout(15000)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def db_vendor() -> str:
    return connection.vendor
