from typing import Any

import pytest
from django.test import Client

from ipcity.core.models import AuditEntry
from ipcity.orgs.models import Certification, Entity

from .fixtures import make_uscc

pytestmark = pytest.mark.django_db

READERS = ["plan_office", "admin", "auditor", "department", "finance"]


@pytest.mark.parametrize("role", READERS)
def test_readers_see_list_and_detail(client: Client, users: Any, other_entity: Any, role: str) -> None:
    client.force_login(users[role])
    page = client.get("/orgs/entities/")
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 2
    assert client.get(f"/orgs/entities/{other_entity.pk}/").status_code == 200


def test_applicant_refused_registry_pages(client: Client, users: Any, other_entity: Any) -> None:
    client.force_login(users["applicant"])
    for url in ("/orgs/entities/", f"/orgs/entities/{other_entity.pk}/", "/orgs/entities/export.csv"):
        assert client.get(url).status_code == 403, url


def test_anonymous_redirected(client: Client, entity: Any) -> None:
    response = client.get("/orgs/entities/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_list_filters(client: Client, users: Any, entity: Any, other_entity: Any) -> None:
    Certification.objects.create(entity=entity, kind="advantage", level="municipal", year=2023, source="s")
    client.force_login(users["plan_office"])
    by_district = client.get("/orgs/entities/", {"district": other_entity.district_id})
    assert [e.pk for e in by_district.context["page"]] == [other_entity.pk]
    by_cert = client.get("/orgs/entities/", {"certification": "advantage"})
    assert [e.pk for e in by_cert.context["page"]] == [entity.pk]
    by_name = client.get("/orgs/entities/", {"q": "另一家"})
    assert [e.pk for e in by_name.context["page"]] == [other_entity.pk]
    assert client.get("/orgs/entities/", {"district": "nonsense"}).status_code == 200


def test_export_uses_the_same_filter(client: Client, users: Any, entity: Any, other_entity: Any) -> None:
    client.force_login(users["auditor"])
    response = client.get("/orgs/entities/export.csv", {"district": other_entity.district_id})
    text = response.content.decode("utf-8-sig")
    assert other_entity.uscc in text and entity.uscc not in text


def test_create_and_edit_entity(client: Client, users: Any, orgs: Any) -> None:
    client.force_login(users["plan_office"])
    response = client.post(
        "/orgs/entities/new/",
        {
            "uscc": make_uscc(400),
            "name": "烟台页面公司",
            "kind": "bank",
            "district": orgs["districts"]["海阳市"].pk,
        },
    )
    assert response.status_code == 302
    created = Entity.objects.get(uscc=make_uscc(400))
    response = client.post(
        f"/orgs/entities/{created.pk}/edit/",
        {"uscc": created.uscc, "name": "烟台页面公司（改）", "kind": "bank", "district": ""},
    )
    assert response.status_code == 302
    created.refresh_from_db()
    assert created.name == "烟台页面公司（改）" and created.district is None
    assert AuditEntry.objects.filter(object_id=str(created.pk), action="entity.update").exists()


def test_create_with_bad_uscc_shows_field_error(client: Client, users: Any, entity: Any) -> None:
    client.force_login(users["admin"])
    response = client.post("/orgs/entities/new/", {"uscc": entity.uscc, "name": "dup", "kind": "enterprise"})
    assert response.status_code == 200
    assert response.context["form"].errors["uscc"]
    response = client.post("/orgs/entities/new/", {"uscc": "ABC", "name": "x", "kind": "enterprise"})
    assert response.context["form"].errors["uscc"]
    assert Entity.objects.count() == 1


@pytest.mark.parametrize("role", ["auditor", "department", "finance", "applicant"])
def test_writes_refused(client: Client, users: Any, entity: Any, role: str) -> None:
    client.force_login(users[role])
    assert (
        client.post(
            "/orgs/entities/new/", {"uscc": make_uscc(401), "name": "x", "kind": "enterprise"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/orgs/entities/{entity.pk}/edit/", {"uscc": entity.uscc, "name": "x", "kind": "enterprise"}
        ).status_code
        == 403
    )
    cert = {"kind": "advantage", "level": "municipal", "year": 2023, "source": "s"}
    assert client.post(f"/orgs/entities/{entity.pk}/certifications/", cert).status_code == 403
    assert client.get("/orgs/entities/import/").status_code == 403
    entity.refresh_from_db()
    assert entity.name != "x" and not Entity.objects.filter(uscc=make_uscc(401)).exists()
    assert not Certification.objects.exists()


def test_certification_pages(client: Client, users: Any, entity: Any) -> None:
    client.force_login(users["plan_office"])
    bad = client.post(
        f"/orgs/entities/{entity.pk}/certifications/",
        {"kind": "advantage", "level": "municipal", "year": 1800, "source": "s"},
    )
    assert bad.status_code == 400 and not Certification.objects.exists()
    ok = client.post(
        f"/orgs/entities/{entity.pk}/certifications/",
        {"kind": "advantage", "level": "municipal", "year": 2023, "source": "s"},
    )
    assert ok.status_code == 302
    cert = Certification.objects.get()
    dup = client.post(
        f"/orgs/entities/{entity.pk}/certifications/",
        {"kind": "advantage", "level": "municipal", "year": 2023, "source": "s"},
    )
    assert dup.status_code == 400 and Certification.objects.count() == 1
    assert client.get(f"/orgs/entities/{entity.pk}/certifications/{cert.pk}/remove/").status_code == 405
    client.post(f"/orgs/entities/{entity.pk}/certifications/{cert.pk}/remove/")
    assert not Certification.objects.exists()


def test_applicant_edits_own_contact(client: Client, users: Any, entity: Any) -> None:
    client.force_login(users["applicant"])
    page = client.get("/orgs/my-entity/")
    assert page.status_code == 200 and entity.uscc in page.content.decode()
    response = client.post(
        "/orgs/my-entity/",
        {"address": "烟台市新地址", "contact_name": "钱七", "contact_phone": "0535-1", "name": "hijack"},
    )
    assert response.status_code == 302
    entity.refresh_from_db()
    assert entity.address == "烟台市新地址" and entity.name == "烟台测试科技有限公司"
    too_long = client.post("/orgs/my-entity/", {"contact_phone": "1" * 41})
    assert too_long.status_code == 200 and too_long.context["form"].errors["contact_phone"]


@pytest.mark.parametrize("role", ["plan_office", "admin", "auditor", "department", "finance"])
def test_my_entity_is_for_applicants(client: Client, users: Any, role: str) -> None:
    client.force_login(users[role])
    assert client.get("/orgs/my-entity/").status_code == 403


def test_departments_and_districts_public(client: Client, orgs: Any) -> None:
    assert "市财政局" in client.get("/orgs/departments/").content.decode()
    page = client.get("/orgs/districts/").content.decode()
    assert "长岛综合试验区" in page and "龙口市" in page


@pytest.mark.parametrize(
    "url",
    [
        "/orgs/entities/99999999999999999999/",
        "/orgs/entities/9223372036854775808/",
        "/orgs/entities/0/",
        "/accounts/users/99999999999999999999/",
        "/audit/99999999999999999999/",
    ],
)
def test_huge_ids_are_404(client: Client, users: Any, url: str) -> None:
    client.force_login(users["admin"] if "users" in url else users["auditor"])
    assert client.get(url).status_code == 404


def _read(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else bytes(response.content)


def _add_entities(orgs: Any, start: int, count: int) -> None:
    districts = list(orgs["districts"].values())
    for n in range(start, start + count):
        entity = Entity.objects.create(
            uscc=make_uscc(n),
            name=f"烟台计数{n}有限公司",
            kind="enterprise",
            district=districts[n % len(districts)],
        )
        Certification.objects.create(entity=entity, kind="advantage", level="national", year=2023, source="s")


def test_entity_list_and_export_queries_do_not_grow_with_rows(
    client: Client, users: Any, orgs: Any, django_assert_max_num_queries: Any
) -> None:
    """No N+1: the page and the CSV export cost the same number of queries for 3 and for 30 entities."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(users["plan_office"])
    _add_entities(orgs, 100, 3)
    counts = {}
    for url in ("/orgs/entities/", "/orgs/entities/export.csv"):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
            _read(response)
        counts[url] = len(ctx.captured_queries)
    _add_entities(orgs, 200, 27)
    for url, count in counts.items():
        with django_assert_max_num_queries(count):
            response = client.get(url)
            body = _read(response)
        assert "烟台计数226有限公司" in body.decode("utf-8-sig")
