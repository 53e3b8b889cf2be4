"""Demo entities and certifications (marked is_demo and "演示"): fictitious names, valid USCCs in Yantai's
division codes. Written through ipcity.orgs.services."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ipcity.core.identifiers.uscc import check_character
from ipcity.orgs import services
from ipcity.orgs.models import Certification, District, Entity

from .common import OPERATOR


def _uscc(prefix17: str) -> str:
    return prefix17 + check_character(prefix17)


# (uscc, name, kind, district name)
DEMO_ENTITIES: list[tuple[str, str, str, str]] = [
    (_uscc("91370600MA3C00001"), "烟台海润新材料有限公司（演示）", "enterprise", "烟台黄渤海新区"),
    (_uscc("91370602MA3C00002"), "烟台芝罘智能装备股份有限公司（演示）", "enterprise", "芝罘区"),
    (_uscc("91370613MA3C00003"), "烟台莱山生物医药有限公司（演示）", "enterprise", "莱山区"),
    (_uscc("91370681MA3C00004"), "龙口海洋食品科技有限公司（演示）", "enterprise", "龙口市"),
    (_uscc("12370600MB0000005"), "烟台理工研究院（演示）", "research_institute", "烟台高新区"),
    (_uscc("12370600MB0000006"), "烟台滨海大学（演示）", "university", "莱山区"),
    (_uscc("91370602MA3C00007"), "烟台知桥知识产权代理有限公司（演示）", "service_agency", "芝罘区"),
    (_uscc("91370600MA3C00008"), "烟台港城银行股份有限公司（演示）", "bank", "芝罘区"),
    (_uscc("91370612MA3C00009"), "烟台牟平农产品批发市场（演示）", "market", "牟平区"),
    (_uscc("91370684MA3C00010"), "蓬莱葡萄酒电商平台有限公司（演示）", "ecommerce_platform", "蓬莱区"),
]

# Applicant logins: (username, entity USCC, entity name)
DEMO_APPLICANT_ENTITIES: list[tuple[str, str, str]] = [
    ("applicant_hairun", DEMO_ENTITIES[0][0], DEMO_ENTITIES[0][1]),
    ("applicant_zhiqiao", DEMO_ENTITIES[6][0], DEMO_ENTITIES[6][1]),
    ("applicant_bank", DEMO_ENTITIES[7][0], DEMO_ENTITIES[7][1]),
]

# Demo certifications: (entity index in DEMO_ENTITIES, kind, level, year, source) — fictitious sources, marked 演示.
DEMO_CERTIFICATIONS: list[tuple[int, str, str, int, str]] = [
    (0, "advantage", "national", 2023, "国家知识产权优势企业名单（演示）"),
    (0, "gbt29490", "municipal", 2022, "烟台市贯标企业名单（演示）"),
    (1, "demonstration", "provincial", 2023, "山东省知识产权示范企业名单（演示）"),
    (1, "gbt29490", "municipal", 2023, "烟台市贯标企业名单（演示）"),
    (2, "advantage", "provincial", 2024, "山东省知识产权优势企业名单（演示）"),
    (3, "gbt29490", "municipal", 2024, "烟台市贯标企业名单（演示）"),
]


def load(*, stdout: Any, options: dict[str, Any]) -> None:
    with transaction.atomic():
        for uscc, name, kind, district in DEMO_ENTITIES:
            if Entity.objects.filter(uscc=uscc).exists():
                continue
            services.entity_create(
                actor=OPERATOR,
                uscc=uscc,
                name=name,
                kind=kind,
                district=District.objects.get(name=district),
                is_demo=True,
            )
        for index, kind, level, year, source in DEMO_CERTIFICATIONS:
            entity = Entity.objects.get(uscc=DEMO_ENTITIES[index][0])
            if Certification.objects.filter(entity=entity, kind=kind, level=level, year=year).exists():
                continue
            services.certification_add(
                actor=OPERATOR, entity=entity, kind=kind, level=level, year=year, source=source
            )
