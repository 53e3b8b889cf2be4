"""Test fixtures for accounts, orgs and core: departments and districts created directly (they do not need
the policy package), users per role, entities."""

from __future__ import annotations

from typing import Any

import pytest

from ipcity.core.identifiers.uscc import check_character

DEPARTMENTS = [
    ("samr", "市市场监管局"),
    ("finance", "市财政局"),
    ("justice", "市司法局"),
    ("court", "市法院"),
]
DISTRICTS = [
    ("zhifu", "芝罘区", "district", "370602"),
    ("fushan", "福山区", "district", "370611"),
    ("muping", "牟平区", "district", "370612"),
    ("laishan", "莱山区", "district", "370613"),
    ("penglai", "蓬莱区", "district", "370614"),
    ("longkou", "龙口市", "county_city", "370681"),
    ("laiyang", "莱阳市", "county_city", "370682"),
    ("laizhou", "莱州市", "county_city", "370683"),
    ("zhaoyuan", "招远市", "county_city", "370685"),
    ("qixia", "栖霞市", "county_city", "370686"),
    ("haiyang", "海阳市", "county_city", "370687"),
    ("hbh", "烟台黄渤海新区", "management_committee", ""),
    ("hitech", "烟台高新区", "management_committee", ""),
    ("changdao", "长岛综合试验区", "management_committee", ""),
]


def uscc(prefix17: str) -> str:
    return prefix17 + check_character(prefix17)


def make_uscc(n: int) -> str:
    return uscc(f"91370602MA3X{n:05d}")


@pytest.fixture
def orgs(db: Any) -> dict[str, Any]:
    from ipcity.orgs.models import Department, District

    depts = {}
    for i, (code, name) in enumerate(DEPARTMENTS):
        depts[name], _ = Department.objects.get_or_create(
            name=name, defaults={"code": f"t-{code}", "order": i}
        )
    districts = {}
    for i, (code, name, kind, division) in enumerate(DISTRICTS):
        districts[name], _ = District.objects.get_or_create(
            name=name, defaults={"code": f"t-{code}", "kind": kind, "division_code": division, "order": i}
        )
    return {"departments": depts, "districts": districts}


@pytest.fixture
def entity(orgs: Any) -> Any:
    from ipcity.orgs.models import Entity

    return Entity.objects.create(
        uscc=make_uscc(1),
        name="烟台测试科技有限公司",
        kind="enterprise",
        district=orgs["districts"]["芝罘区"],
    )


@pytest.fixture
def other_entity(orgs: Any) -> Any:
    from ipcity.orgs.models import Entity

    return Entity.objects.create(
        uscc=make_uscc(2), name="烟台另一家有限公司", kind="enterprise", district=orgs["districts"]["莱山区"]
    )


@pytest.fixture
def make_user(orgs: Any) -> Any:
    """make_user(role, department=None, entity=None, username=None); overrides the root fixture so that these
    tests do not need the whole policy package."""
    from ipcity.accounts.testing import user_factory

    return user_factory()


@pytest.fixture
def users(make_user: Any, entity: Any) -> dict[str, Any]:
    """One user per role (the applicant belongs to `entity`)."""
    return {
        "plan_office": make_user("plan_office"),
        "department": make_user("department"),
        "finance": make_user("finance"),
        "applicant": make_user("applicant", entity=entity),
        "auditor": make_user("auditor"),
        "admin": make_user("admin"),
    }
