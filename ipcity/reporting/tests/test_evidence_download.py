"""Evidence files leave the server only through the report's download view, for those who may see the
report (docs/adr/0008-serving-uploaded-files.md); stored names are unguessable."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ipcity.core.sample_files import minimal_pdf
from ipcity.reporting import services as svc

from .test_report_fixtures import Mini, build_mini, mk_user

pytestmark = pytest.mark.django_db

PDF = minimal_pdf("evidence")


@pytest.fixture
def mini(db, settings, tmp_path) -> Mini:
    settings.MEDIA_ROOT = tmp_path
    return build_mini()


@pytest.fixture
def evidence(mini: Mini):
    report = svc.report_create(
        actor=mini.justice_user,
        task=mini.t1,
        period=mini.q1,
        progress="on_track",
        percent_complete=30,
        narrative="已建立巡回审判点",
    )
    return svc.evidence_add(
        actor=mini.justice_user, report=report, upload=SimpleUploadedFile("巡回审判 证明.pdf", PDF)
    )


def url(evidence) -> str:
    return f"/plan/reports/{evidence.report_id}/evidence/{evidence.pk}/"


def test_evidence_gets_an_unguessable_name_and_keeps_the_original(evidence):
    assert re.fullmatch(r"evidence/\d{4}/[0-9a-f]{32}\.pdf", evidence.file.name), evidence.file.name
    assert evidence.original_name == "巡回审判 证明.pdf"


@pytest.mark.parametrize("who", ["justice_user", "office", "lead_department", "auditor"])
def test_reporter_reviewer_and_auditor_get_the_file_as_an_attachment(client, mini: Mini, evidence, who):
    user = {
        "lead_department": lambda: mk_user("department", mini.samr),
        "auditor": lambda: mk_user("auditor"),
    }.get(who, lambda: getattr(mini, who))()
    client.force_login(user)
    response = client.get(url(evidence))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E5%B7%A1" in response["Content-Disposition"]  # the original (Chinese) name
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("who", ["ndrc_user", "court_user", "finance", "applicant", "admin"])
def test_users_outside_the_scope_are_refused(client, mini: Mini, evidence, who):
    user = getattr(mini, who) if who.endswith("_user") else mini.user(who)
    client.force_login(user)
    assert client.get(url(evidence)).status_code in (403, 404)


def test_anonymous_visitors_get_no_file(client, evidence):
    response = client.get(url(evidence))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(f"/media/{evidence.file.name}").status_code == 404


def test_x_accel_mode_returns_the_header_and_no_body(client, mini: Mini, evidence, settings):
    settings.MEDIA_SERVE_MODE = "x-accel"
    settings.MEDIA_INTERNAL_PREFIX = "/internal/uploads"
    client.force_login(mini.office)
    response = client.get(url(evidence))
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/internal/uploads/{evidence.file.name}"
    assert response["Content-Disposition"].startswith("attachment;")
