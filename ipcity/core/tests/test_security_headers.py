"""Content-Security-Policy, Permissions-Policy and Cache-Control: no-store (security review, issue 8), the
templates written so the policy breaks nothing, and the API docs served without a CDN."""

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[3]


def test_every_page_gets_csp_and_permissions_policy_anonymous_pages_stay_cacheable(db: Any) -> None:
    response = Client().get("/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "camera=()" in response["Permissions-Policy"]
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize("role", ["plan_office", "department", "finance", "applicant", "auditor", "admin"])
def test_pages_for_signed_in_users_are_not_stored(users: dict[str, Any], role: str) -> None:
    client = Client()
    client.force_login(users[role])
    for url in ("/", "/accounts/me/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, no-store", url
        assert "Content-Security-Policy" in response


def test_api_answers_to_a_token_client_are_not_stored(users: dict[str, Any], http: Any) -> None:
    response = http.as_user(users["plan_office"]).get("/api/orgs/departments")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    anonymous = http.get("/api/orgs/departments")
    assert "no-store" not in anonymous.headers.get("Cache-Control", "")


def test_static_files_stay_cacheable_for_signed_in_users(users: dict[str, Any]) -> None:
    client = Client()
    client.force_login(users["auditor"])
    response = client.get("/static/core/ipcity.js")
    assert response.status_code == 200 and "no-store" not in response.get("Cache-Control", "")


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def test_no_template_has_inline_script_or_event_handlers() -> None:
    """script-src 'self' blocks inline <script> and on…= attributes: behaviour lives in static .js files."""
    offenders = []
    for template in (ROOT / "ipcity").rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        if INLINE_SCRIPT.search(text) or EVENT_HANDLER.search(text):
            offenders.append(str(template.relative_to(ROOT)))
    assert offenders == []


def test_api_docs_load_nothing_from_another_host(db: Any) -> None:
    response = Client().get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html), html
    assert "cdn" not in html.lower()
    for asset in re.findall(r"""(?:src|href)="(/static/[^"]+)""", html):
        assert Client().get(asset).status_code == 200, asset


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_api_docs_and_pages_work_offline_under_the_policy(page: Any, live_server: Any, orgs: Any) -> None:
    """Swagger UI renders from our own static files with every other host unreachable, and neither it nor a
    page with the language switch reports a Content-Security-Policy violation."""
    foreign: list[str] = []

    def only_local(route: Any) -> None:
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    violations: list[str] = []
    page.on(
        "console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None
    )
    page.goto("/api/docs")
    page.wait_for_selector(".opblock", timeout=20000)
    assert "ipcity API" in page.content()
    page.goto("/accounts/login/")
    with page.expect_navigation():  # the switch submits the form from core/ipcity.js; wait for the new page
        page.select_option("#language-form select", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert foreign == [] and violations == []
