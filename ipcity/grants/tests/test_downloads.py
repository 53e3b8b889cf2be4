"""Attachments leave the server only through the download views, for those who may see the application
(docs/adr/0008-serving-uploaded-files.md); stored names are unguessable; /media/ serves nothing."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from .conftest import World

pytestmark = pytest.mark.django_db

UNGUESSABLE = re.compile(r"grants/\d{4}/[0-9a-f]{32}\.pdf")


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _assert_attachment(response: Any, filename: str = "judgment.pdf") -> None:
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert filename in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_new_attachments_get_unguessable_names_and_keep_the_original(world: World) -> None:
    first = world.draft(subject="NAME-1").attachments.get()
    second = world.draft(subject="NAME-2").attachments.get()
    assert UNGUESSABLE.fullmatch(first.file.name), first.file.name
    assert UNGUESSABLE.fullmatch(second.file.name), second.file.name
    assert first.file.name != second.file.name
    assert "judgment" not in first.file.name and first.original_name == "judgment.pdf"


@pytest.mark.parametrize("who", ["applicant", "reviewer", "plan_office", "auditor", "finance"])
def test_those_who_see_the_application_get_the_file_as_an_attachment(
    world: World, client: Any, who: str
) -> None:
    attachment = world.submitted(subject="DL-OK").attachments.get()
    client.force_login(getattr(world, who))
    response = client.get(f"/grants/attachments/{attachment.pk}/")
    _assert_attachment(response)
    assert _body(response).startswith(b"%PDF")


@pytest.mark.parametrize("who", ["other_applicant", "outsider_dept", "admin"])
def test_users_outside_the_scope_get_404(world: World, client: Any, who: str) -> None:
    attachment = world.submitted(subject="DL-NO").attachments.get()
    client.force_login(getattr(world, who))
    assert client.get(f"/grants/attachments/{attachment.pk}/").status_code == 404


def test_a_draft_attachment_is_only_for_the_applicant(world: World, client: Any) -> None:
    attachment = world.draft(subject="DL-DRAFT").attachments.get()
    for user in (world.reviewer, world.plan_office, world.auditor, world.finance):
        client.force_login(user)
        assert client.get(f"/grants/attachments/{attachment.pk}/").status_code == 404
    client.force_login(world.applicant)
    _assert_attachment(client.get(f"/grants/attachments/{attachment.pk}/"))


def test_anonymous_visitors_get_no_file(world: World, client: Any) -> None:
    attachment = world.submitted(subject="DL-ANON").attachments.get()
    response = client.get(f"/grants/attachments/{attachment.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(f"/media/{attachment.file.name}").status_code == 404


def test_a_file_stored_under_an_old_guessable_name_still_downloads(world: World, client: Any) -> None:
    attachment = world.submitted(subject="DL-OLD").attachments.get()
    old = default_storage.save("grants/2026/12/evidence.pdf", ContentFile(b"%PDF-1.4 old\n%%EOF\n"))
    type(attachment).objects.filter(pk=attachment.pk).update(file=old)
    client.force_login(world.reviewer)
    response = client.get(f"/grants/attachments/{attachment.pk}/")
    _assert_attachment(response)
    assert _body(response) == b"%PDF-1.4 old\n%%EOF\n"
    assert client.get("/media/grants/2026/12/evidence.pdf").status_code == 404


def test_a_missing_file_is_404_not_500(world: World, client: Any) -> None:
    attachment = world.submitted(subject="DL-GONE").attachments.get()
    default_storage.delete(attachment.file.name)
    client.force_login(world.reviewer)
    assert client.get(f"/grants/attachments/{attachment.pk}/").status_code == 404


def test_behind_nginx_the_view_answers_with_x_accel_redirect_and_no_body(
    world: World, client: Any, settings: Any
) -> None:
    settings.MEDIA_SERVE_MODE = "x-accel"
    settings.MEDIA_INTERNAL_PREFIX = "/protected-media/"
    attachment = world.submitted(subject="DL-ACCEL").attachments.get()
    client.force_login(world.reviewer)
    response = client.get(f"/grants/attachments/{attachment.pk}/")
    _assert_attachment(response)
    assert response["X-Accel-Redirect"] == f"/protected-media/{attachment.file.name}"
    assert response.content == b""
    assert response["Content-Type"] == "application/pdf"
    client.force_login(world.other_applicant)
    refused = client.get(f"/grants/attachments/{attachment.pk}/")
    assert refused.status_code == 404 and not refused.has_header("X-Accel-Redirect")


def test_behind_apache_the_view_answers_with_x_sendfile(world: World, client: Any, settings: Any) -> None:
    settings.MEDIA_SERVE_MODE = "x-sendfile"
    attachment = world.submitted(subject="DL-SENDFILE").attachments.get()
    client.force_login(world.reviewer)
    response = client.get(f"/grants/attachments/{attachment.pk}/")
    _assert_attachment(response)
    assert response["X-Sendfile"] == default_storage.path(attachment.file.name)
    assert response.content == b""


def test_the_api_download_is_scoped_and_an_attachment(world: World, http: Any) -> None:
    attachment = world.submitted(subject="DL-API").attachments.get()
    url = f"/api/grants/attachments/{attachment.pk}"
    assert http.get(url).status_code == 401
    assert http.as_user(world.other_applicant).get(url).status_code == 404
    assert http.as_user(world.admin).get(url).status_code == 404
    response = http.as_user(world.auditor).get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_an_old_chinese_name_goes_to_the_proxy_intact(world: World, client: Any, settings: Any) -> None:
    attachment = world.submitted(subject="DL-ZH").attachments.get()
    old = default_storage.save("grants/2025/01/判决书.pdf", ContentFile(b"%PDF-1.4 old\n"))
    type(attachment).objects.filter(pk=attachment.pk).update(file=old)
    client.force_login(world.reviewer)
    settings.MEDIA_SERVE_MODE = "x-accel"
    accel = client.get(f"/grants/attachments/{attachment.pk}/")
    assert accel["X-Accel-Redirect"] == "/protected-media/grants/2025/01/%E5%88%A4%E5%86%B3%E4%B9%A6.pdf"
    settings.MEDIA_SERVE_MODE = "x-sendfile"
    sendfile = client.get(f"/grants/attachments/{attachment.pk}/")
    assert sendfile["X-Sendfile"].encode("latin-1") == default_storage.path(old).encode()
