"""Synthetic Yantai patents for the demo and the benchmarks: seeded and reproducible.

Realistic in the ways the KPIs care about: application numbers with the real structure and valid
check digits (filing year, type digit, per-year serials), a type mix and grant lags like CNIPA's,
an IPC distribution over subclasses where Yantai is strong (chemicals, pharma, machinery, marine
food, materials, electronics), lapse rates by age (about a third of invention patents survive 10
years), and overseas family, pledge and award rates of a mid-sized Chinese city."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ipcity.core.identifiers.patent_number import make as make_number

from .importing import CANONICAL_COLUMNS

DISTRICTS = [
    ("烟台黄渤海新区", 18),
    ("芝罘区", 12),
    ("莱山区", 12),
    ("烟台高新区", 10),
    ("福山区", 8),
    ("牟平区", 5),
    ("蓬莱区", 5),
    ("龙口市", 9),
    ("莱阳市", 4),
    ("莱州市", 6),
    ("招远市", 5),
    ("栖霞市", 2),
    ("海阳市", 3),
    ("长岛综合试验区", 1),
]
# (subclass, weight, main groups): a mix of SEI-mapped and unmapped symbols.
IPC_SUBCLASSES = [
    ("A61K", 9, [9, 31, 36, 38, 47]),
    ("A61P", 5, [1, 3, 9, 25, 35]),
    ("C07D", 6, [209, 401, 471, 487]),
    ("C07K", 2, [14, 16]),
    ("C12N", 3, [1, 9, 15]),
    ("A23L", 6, [2, 3, 5, 17, 33]),
    ("A01K", 2, [61, 63]),
    ("C08L", 4, [23, 67, 75]),
    ("C08K", 3, [3, 5]),
    ("C09D", 3, [5, 7, 163]),
    ("C02F", 3, [1, 3, 9]),
    ("B01D", 3, [53, 46]),
    ("B23K", 4, [9, 26, 37]),
    ("B65G", 5, [15, 47, 65]),
    ("F16C", 2, [19, 33]),
    ("B63B", 2, [35, 79]),
    ("E21B", 2, [43, 47]),
    ("G01N", 5, [21, 30, 33]),
    ("G06F", 5, [16, 30, 9]),
    ("G06Q", 2, [10, 50]),
    ("G06T", 2, [7, 5]),
    ("H04L", 3, [9, 67, 12]),
    ("H04N", 1, [7, 23]),
    ("H01M", 3, [4, 10, 50]),
    ("H02J", 2, [3, 7]),
    ("H01L", 1, [21, 23, 29, 33]),
    ("H10K", 1, [50, 59]),
    ("B29C", 2, [45, 48, 64]),
    ("E04B", 2, [1, 2]),
    ("B60L", 1, [53, 58]),
    # traditional manufacturing and consumer goods: no SEI row (keeps the SEI share near the national ~40%)
    ("B65D", 10, [5, 25, 81]),
    ("A47B", 10, [13, 46, 96]),
    ("E04F", 10, [13, 15]),
    ("B60R", 10, [11, 16]),
    ("B62D", 10, [21, 25]),
    ("F16B", 10, [2, 5, 12]),
    ("B21D", 10, [28, 37, 43]),
    ("B08B", 10, [1, 3, 5]),
    ("A63B", 10, [21, 71]),
    ("G09F", 10, [7, 9]),
    ("E02D", 10, [5, 17]),
    ("A41D", 10, [1, 13]),
    ("D06F", 10, [37, 58]),
    ("F16K", 10, [1, 27, 31]),
    ("A47J", 10, [27, 31]),
]
HOLDER_WORDS = [
    "海洋",
    "万华",
    "杰瑞",
    "绿叶",
    "东方",
    "蓝海",
    "港城",
    "仙境",
    "鲁东",
    "滨海",
    "昆嵛",
    "金岭",
    "葡萄",
]
HOLDER_KINDS = [
    "化学",
    "生物医药",
    "智能装备",
    "新材料",
    "食品",
    "电子",
    "海洋科技",
    "精密机械",
    "环保",
    "能源",
]


def _weighted(rng: random.Random, items: list[tuple[Any, int]]) -> Any:
    total = sum(w for _, w in items)
    pick = rng.uniform(0, total)
    for item, weight in items:
        pick -= weight
        if pick <= 0:
            return item
    return items[-1][0]


def _add_years(date: dt.date, years: int) -> dt.date:
    try:
        return date.replace(year=date.year + years)
    except ValueError:
        return date.replace(year=date.year + years, day=28)


def generate(
    n: int,
    *,
    seed: int = 2022,
    today: dt.date = dt.date(2026, 11, 1),
    first_year: int = 2004,
    districts: list[tuple[str, int]] | None = None,
    demo_marker: str = "",
) -> Iterator[dict[str, Any]]:
    """Yield n patent rows in the canonical template's columns (plus the optional dated columns)."""
    rng = random.Random(seed)  # noqa: S311 - reproducible synthetic data, not security
    districts = districts or DISTRICTS
    years = list(range(first_year, today.year + 1))
    year_weights = [(y, int(10 * 1.12 ** (y - first_year))) for y in years]
    counters: dict[tuple[int, str], int] = {}
    holders = (
        [
            f"烟台{rng.choice(HOLDER_WORDS)}{rng.choice(HOLDER_KINDS)}{'股份' if i % 3 == 0 else ''}有限公司{demo_marker}"
            for i in range(400)
        ]
        + [f"烟台{w}大学{demo_marker}" for w in ("滨海", "鲁东")]
        + [f"烟台{w}研究院{demo_marker}" for w in ("理工", "海洋")]
    )
    ptypes = [("invention", 46), ("utility_model", 46), ("design", 8)]
    digit = {"invention": "1", "utility_model": "2", "design": "3"}
    for _ in range(n):
        year = _weighted(rng, year_weights)
        ptype = _weighted(rng, ptypes)
        key = (year, digit[ptype])
        serial = counters.get(key)
        if serial is None:
            serial = rng.randint(1, 200000)
        counters[key] = serial + 1 + (rng.random() < 0.3)
        if counters[key] > 9_999_999:
            counters[key] = 1
        filing = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
        number = make_number(year, digit[ptype], serial % 10_000_000)
        lag_days = {
            "invention": rng.randint(420, 1500),
            "utility_model": rng.randint(120, 360),
            "design": rng.randint(90, 240),
        }[ptype]
        granted = rng.random() < {"invention": 0.62, "utility_model": 0.95, "design": 0.96}[ptype]
        grant = filing + dt.timedelta(days=lag_days) if granted else None
        if grant and grant > today:
            grant = None
        term = (
            20
            if ptype == "invention"
            else (15 if ptype == "design" and filing >= dt.date(2021, 6, 1) else 10)
        )
        expiry = _add_years(filing, term)
        status, status_date = ("pending", None) if not grant else ("valid", None)
        if grant:
            yearly_lapse = {"invention": 0.085, "utility_model": 0.22, "design": 0.25}[ptype]
            survive_years = rng.expovariate(yearly_lapse)
            lapse = grant + dt.timedelta(days=int(survive_years * 365))
            if rng.random() < 0.003:
                status, status_date = "invalidated", grant + dt.timedelta(days=rng.randint(200, 2000))
                if status_date > today:
                    status, status_date = "valid", None
            elif lapse < min(today, expiry):
                status, status_date = "lapsed", lapse
            elif expiry <= today:
                status, status_date = "expired", expiry
        sub, _w, groups = _weighted(rng, [((s, w, g), w) for s, w, g in IPC_SUBCLASSES])
        main = f"{sub}{rng.choice(groups)}/{rng.choice(['00', '02', '04', '06', '08', '10', '12', '14', '16', '20'])}"
        extra = []
        for _k in range(rng.choice([0, 0, 0, 1, 1, 2])):
            s2, _w2, g2 = _weighted(rng, [((s, w, g), w) for s, w, g in IPC_SUBCLASSES])
            extra.append(f"{s2}{rng.choice(g2)}/{rng.choice(['00', '02', '04', '06', '08'])}")
        family = bool(ptype == "invention" and grant and rng.random() < 0.07)
        family_since = grant + dt.timedelta(days=rng.randint(200, 1200)) if family and grant else None
        if family_since and family_since > today:
            family_since = today
        pledge_amount = pledge_date = None
        if grant and rng.random() < 0.025:
            pledge_amount = round(rng.lognormvariate(15.0, 1.1), -3)  # median about 3.3 million yuan
            pledge_date = grant + dt.timedelta(days=rng.randint(30, 2500))
            if pledge_date > today:
                pledge_date = today
        award = award_date = None
        if ptype == "invention" and grant and rng.random() < 0.002:
            award = rng.choice(
                ["china_patent_award", "china_patent_award", "china_patent_silver", "national_st_award"]
            )
            award_date = min(today, grant + dt.timedelta(days=rng.randint(300, 2500)))
        district = _weighted(rng, districts)
        holder = rng.choice(holders)
        yield {
            "application_number": number,
            "type": ptype,
            "title": f"一种{rng.choice(['高效', '智能', '环保', '新型', '低成本', '连续'])}{rng.choice(['制备方法', '装置', '系统', '组合物', '检测方法', '设备'])}{demo_marker}",
            "filing_date": filing.isoformat(),
            "grant_date": grant.isoformat() if grant else "",
            "ipc_main": main,
            "ipc": ";".join([main, *extra]),
            "holders": holder,
            "district": district,
            "legal_status": status,
            "overseas_family_granted": "true" if family else "false",
            "pledge_amount": f"{pledge_amount:.2f}" if pledge_amount else "",
            "award": award or "",
            "legal_status_date": status_date.isoformat() if status_date else "",
            "overseas_family_since": family_since.isoformat() if family_since else "",
            "pledge_date": pledge_date.isoformat() if pledge_date else "",
            "award_date": award_date.isoformat() if award_date else "",
        }


# The import's canonical columns, then the dates the synthetic files also give.
COLUMNS = [*CANONICAL_COLUMNS, "legal_status_date", "overseas_family_since", "pledge_date", "award_date"]


def write(path: Path, rows: Iterator[dict[str, Any]]) -> int:
    """Write rows as CSV or JSON Lines (by extension); return the count."""
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        if path.suffix == ".jsonl":
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
                count += 1
        else:
            writer = csv.DictWriter(fh, fieldnames=COLUMNS)
            writer.writeheader()
            for row in rows:
                writer.writerow(row)
                count += 1
    return count
