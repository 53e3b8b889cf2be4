from typing import Any

import pytest
from django.core.exceptions import ValidationError

from ipcity.core.audit import verify_chain
from ipcity.core.models import AuditEntry
from ipcity.orgs import services
from ipcity.orgs.models import Certification, Entity

from .fixtures import make_uscc

pytestmark = pytest.mark.django_db


def test_entity_create_normalises_uscc_and_audits(orgs: Any, users: Any) -> None:
    code = make_uscc(77)
    messy = f" {code[:6].lower()} {code[6:]} "
    entity = services.entity_create(
        actor=users["plan_office"],
        uscc=messy,
        name="烟台新公司",
        kind="enterprise",
        district=orgs["districts"]["福山区"],
    )
    assert entity.uscc == code
    entry = AuditEntry.objects.get(action="entity.create", object_id=str(entity.pk))
    assert entry.actor == users["plan_office"]
    assert entry.after is not None and entry.after["uscc"] == code
    assert list(verify_chain()) == []


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("91370602MA3X0000", "uscc_length"),  # 16 characters
        ("91370602MA3X00001I", "uscc_characters"),  # I is not in the alphabet
        ("913706O2MA3X000010", "uscc_characters"),
    ],
)
def test_entity_create_rejects_bad_uscc(orgs: Any, value: str, code: str) -> None:
    with pytest.raises(ValidationError) as info:
        services.entity_create(actor=None, uscc=value, name="x", kind="enterprise")
    assert "uscc" in info.value.message_dict
    assert not Entity.objects.exists()


def test_entity_create_rejects_wrong_check_character(orgs: Any) -> None:
    good = make_uscc(5)
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(ValidationError) as info:
        services.entity_create(actor=None, uscc=wrong, name="x", kind="enterprise")
    assert "uscc" in info.value.message_dict
    # the correct code is accepted: the boundary on the other side
    assert services.entity_create(actor=None, uscc=good, name="x", kind="enterprise").uscc == good


def test_entity_uscc_unique(entity: Any) -> None:
    with pytest.raises(ValidationError) as info:
        services.entity_create(actor=None, uscc=entity.uscc.lower(), name="dup", kind="enterprise")
    assert "uscc" in info.value.message_dict
    assert Entity.objects.count() == 1


def test_entity_update_records_before_and_after(entity: Any, users: Any) -> None:
    services.entity_update(actor=users["admin"], entity=entity, name="烟台改名有限公司")
    entity.refresh_from_db()
    assert entity.name == "烟台改名有限公司"
    entry = AuditEntry.objects.get(action="entity.update")
    assert entry.before is not None and entry.before["name"] == "烟台测试科技有限公司"
    assert entry.after is not None and entry.after["name"] == "烟台改名有限公司"


def test_entity_update_refuses_other_entitys_code(entity: Any, other_entity: Any) -> None:
    with pytest.raises(ValidationError):
        services.entity_update(actor=None, entity=other_entity, uscc=entity.uscc)
    other_entity.refresh_from_db()
    assert other_entity.uscc == make_uscc(2)


def test_contact_update_changes_only_contact_fields(entity: Any, users: Any) -> None:
    with pytest.raises(ValueError):
        services.entity_update_contact(actor=users["applicant"], entity=entity, name="hijack")
    services.entity_update_contact(actor=users["applicant"], entity=entity, contact_phone="0535-1234567")
    entity.refresh_from_db()
    assert entity.contact_phone == "0535-1234567"
    assert entity.name == "烟台测试科技有限公司"


def test_certification_add_and_remove(entity: Any, users: Any) -> None:
    cert = services.certification_add(
        actor=users["plan_office"],
        entity=entity,
        kind="advantage",
        level="national",
        year=2023,
        source="国知办函",
    )
    assert entity.certifications.count() == 1
    with pytest.raises(ValidationError):  # the same certification twice
        services.certification_add(
            actor=users["plan_office"],
            entity=entity,
            kind="advantage",
            level="national",
            year=2023,
            source="x",
        )
    services.certification_remove(actor=users["plan_office"], certification=cert)
    assert not Certification.objects.exists()
    assert AuditEntry.objects.filter(action="certification.remove", before__year=2023).exists()


@pytest.mark.parametrize(("year", "ok"), [(1989, False), (1990, True), (2100, True), (2101, False)])
def test_certification_year_bounds(entity: Any, year: int, ok: bool) -> None:
    if ok:
        services.certification_add(
            actor=None, entity=entity, kind="gbt29490", level="municipal", year=year, source="s"
        )
    else:
        with pytest.raises(ValidationError):
            services.certification_add(
                actor=None, entity=entity, kind="gbt29490", level="municipal", year=year, source="s"
            )


def test_department_and_district_services(orgs: Any, users: Any) -> None:
    dept = services.department_create(
        actor=users["admin"], code="customs", name="烟台海关", name_en="Yantai Customs"
    )
    services.department_update(actor=users["admin"], department=dept, is_active=False)
    dept.refresh_from_db()
    assert dept.is_active is False
    with pytest.raises(ValidationError):
        services.department_create(actor=users["admin"], code="customs2", name="烟台海关")
    d = services.district_create(actor=users["admin"], code="new", name="新区", kind="district")
    services.district_update(actor=users["admin"], district=d, name_en="New district")
    assert AuditEntry.objects.filter(action__startswith="district.").count() == 2
