"""Demo data of the patent registry (idempotent, marked 演示), through ipcity.patents.services: the SEI concordance, a population table
(demo figures, not official statistics), a few thousand synthetic Yantai patents (options["patents"],
default 3000; 0 for none) imported in bulk through the real import path, three 重大科技创新台账 projects, and the
KPIs computed from them (fed to the plan's indicator series)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from ipcity.orgs.models import District
from ipcity.patents import synth
from ipcity.patents.management.commands.load_sei import SUPPLEMENT
from ipcity.patents.models import InnovationProject, Patent, Population, SeiRule
from ipcity.patents.services import (
    innovation_project_create,
    kpi_indicators_feed,
    kpi_ledger_rebuild,
    patent_file_import,
    population_set,
    sei_concordance_load,
)

from .common import OPERATOR

DEFAULT_PATENTS = 3000
DEMO_SOURCE = "演示数据（非官方统计）/ demo figures, not official statistics"
# Resident population at the end of 2022 per district (demo figures in a plausible range; Yantai's
# total is about 7.06 million). Other years scale by DRIFT per year.
DEMO_POPULATION_2022 = {
    "芝罘区": 905_000,
    "福山区": 440_000,
    "牟平区": 410_000,
    "莱山区": 560_000,
    "蓬莱区": 430_000,
    "龙口市": 650_000,
    "莱阳市": 800_000,
    "莱州市": 830_000,
    "招远市": 560_000,
    "栖霞市": 540_000,
    "海阳市": 590_000,
    "烟台黄渤海新区": 280_000,
    "烟台高新区": 50_000,
    "长岛综合试验区": 40_000,
}
DRIFT = -0.004  # Yantai's resident population has been slowly falling
PROJECTS = [
    (
        "创新药物靶点发现与候选药物研发平台建设",
        "中科环渤海（烟台）药物高等研究院",
        True,
        "烟台黄渤海新区",
        "A61K",
    ),
    ("海洋功能食品关键技术攻关", "烟台海洋食品产业创新中心（演示）", False, "龙口市", "A23L"),
    ("高端聚氨酯新材料中试基地", "烟台新材料产业研究院（演示）", False, "烟台黄渤海新区", "C08L"),
]


def load(*, stdout: Any, options: dict[str, Any]) -> None:
    if not SeiRule.objects.exists():
        sei_concordance_load(
            actor=OPERATOR, data_dir=Path(settings.SHARED_DATA_DIR) / "cn-patent-ipc", supplement=SUPPLEMENT
        )
    districts = {d.name: d for d in District.objects.all()}
    if not districts:
        stdout.write("patents demo: no districts (load the policy package first); skipped")
        return
    today = timezone.localdate()
    # The KPIs are recomputed only when this run wrote something they depend on, so a second run adds no
    # ledger rebuild or computed indicator values (the import itself is recorded on every run, as any is).
    changed = False
    for year in range(2015, today.year + 1):
        factor = (1 + DRIFT) ** (year - 2022)
        total = 0
        for name, base in DEMO_POPULATION_2022.items():
            district = districts.get(name)
            if district is None:
                continue
            value = int(base * factor)
            total += value
            if not Population.objects.filter(district=district, year=year).exists():
                changed = True
                population_set(
                    actor=OPERATOR,
                    district=district,
                    year=year,
                    population=value,
                    source=DEMO_SOURCE,
                    is_demo=True,
                )
        if not Population.objects.filter(district__isnull=True, year=year).exists():
            changed = True
            population_set(
                actor=OPERATOR, district=None, year=year, population=total, source=DEMO_SOURCE, is_demo=True
            )

    # `--patents 0` means no synthetic patents (a fast demo for benchmarks); only a missing option means
    # the default.
    count = options.get("patents")
    count = DEFAULT_PATENTS if count is None else int(count)
    if count > 0:
        weights = [(n, w) for n, w in synth.DISTRICTS if n in districts]
        rows = synth.generate(count, seed=20221, today=today, districts=weights, demo_marker="（演示）")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "demo-patents.jsonl"
            synth.write(path, rows)
            result = patent_file_import(actor=OPERATOR, path=path, mapping="canonical", is_demo=True)
        changed = changed or bool(result.imported or result.updated)
        stdout.write(f"patents demo: {result.summary()}")
    else:
        stdout.write("patents demo: no synthetic patents (--patents 0)")

    for name, platform, fast, district_name, ipc in PROJECTS:
        if InnovationProject.objects.filter(name=name).exists():
            continue
        linked = list(
            Patent.objects.filter(
                is_demo=True, type="invention", ipc_main__startswith=ipc, hv_from__isnull=False
            )
            .order_by("application_number")
            .values_list("application_number", flat=True)[:3]
        )
        changed = True
        innovation_project_create(
            actor=OPERATOR,
            patents=linked,
            name=name,
            platform=platform,
            responsible_name=platform,
            district=districts.get(district_name),
            is_fast_track=fast,
            start_year=2022,
            description="演示项目 / demo project",
            is_demo=True,
        )
    if not changed:
        stdout.write("patents demo: nothing new, KPIs not recomputed")
        return
    kpi_ledger_rebuild(actor=OPERATOR)
    written = kpi_indicators_feed(actor=OPERATOR, years=list(range(2022, min(today.year, 2024) + 1)))
    stdout.write(f"patents demo: KPIs computed, {len(written)} indicator values recorded")
