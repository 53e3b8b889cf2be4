"""KPIs 万人高价值发明专利拥有量 and 每万人口发明专利拥有量 for the city and its districts at any date.

Counts come from the KPI ledger (docs/adr/0301-kpi-ledger.md): one aggregate over at most a few
hundred thousand (district, day, metric, delta) rows, whatever the number of patents. `direct_counts`
computes the same from the patents table (used by tests to check the ledger, and by the bench)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from ipcity.orgs.models import District

from .choices import PatentType
from .models import KpiLedger, KpiLedgerState, Patent, Population

TEN_THOUSAND = Decimal(10000)
METRICS = ("valid", "hv")


def ledger_rebuild() -> int:
    """Recompute the ledger from the patents' derived dates in one statement; return its row count."""
    ledger, patent = KpiLedger._meta.db_table, Patent._meta.db_table
    base = f"FROM {patent} WHERE type = %s AND is_domestic = %s"  # noqa: S608
    sql = (
        f"INSERT INTO {ledger} (district_key, on_date, metric, delta, total) "  # noqa: S608
        f"SELECT k, d, m, s, SUM(s) OVER (PARTITION BY k, m ORDER BY d) FROM ("
        f"SELECT COALESCE(district_id, 0) AS k, d, m, SUM(n) AS s FROM ("
        f" SELECT district_id, valid_from AS d, 'valid' AS m, 1 AS n {base} AND valid_from IS NOT NULL"
        f" UNION ALL SELECT district_id, valid_until, 'valid', -1 {base} AND valid_from IS NOT NULL AND valid_until IS NOT NULL"
        f" UNION ALL SELECT district_id, hv_from, 'hv', 1 {base} AND hv_from IS NOT NULL"
        f" UNION ALL SELECT district_id, valid_until, 'hv', -1 {base} AND hv_from IS NOT NULL AND valid_until IS NOT NULL"
        f") AS events GROUP BY COALESCE(district_id, 0), d, m HAVING SUM(n) <> 0) AS days"
    )
    args: list[Any] = [str(PatentType.INVENTION), True] * 4
    with transaction.atomic():
        KpiLedgerState.objects.select_for_update().get_or_create(id=1)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {ledger}")  # noqa: S608
            cursor.execute(sql, args)
        rows = KpiLedger.objects.count()
        KpiLedgerState.objects.filter(id=1).update(
            dirty=False, rebuilt_at=timezone.now(), patents=Patent.objects.count()
        )
    return rows


def ensure_ledger() -> None:
    state = KpiLedgerState.objects.filter(id=1).first()
    if state is None or state.dirty:
        ledger_rebuild()


def ledger_counts(date: dt.date) -> dict[int | None, dict[str, int]]:
    """{district id (None: no district): {"valid": n, "hv": n}} at the end of `date`: one query of
    one index seek per district and metric."""
    ensure_ledger()
    keys = [0, *District.objects.values_list("pk", flat=True)]
    groups = ", ".join(f"({int(k)}, '{m}')" for k in keys for m in METRICS)
    table = KpiLedger._meta.db_table
    sql = (
        f"WITH g(k, m) AS (VALUES {groups}) SELECT g.k, g.m, (SELECT l.total FROM {table} l "  # noqa: S608
        f"WHERE l.district_key = g.k AND l.metric = g.m AND l.on_date <= %s ORDER BY l.on_date DESC LIMIT 1) FROM g"
    )
    out: dict[int | None, dict[str, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [date])
        for key, metric, total in cursor.fetchall():
            if total:
                out.setdefault(key or None, {"valid": 0, "hv": 0})[metric] = int(total)
    return out


def direct_counts(date: dt.date) -> dict[int | None, dict[str, int]]:
    """The same counts straight from the patents table (one aggregate query with date conditions)."""
    alive = Q(valid_until__isnull=True) | Q(valid_until__gt=date)
    rows = (
        Patent.objects.filter(type=PatentType.INVENTION, is_domestic=True, valid_from__lte=date)
        .values("district_id")
        .annotate(
            valid=Count("id", filter=alive),
            hv=Count("id", filter=alive & Q(hv_from__lte=date)),
        )
    )
    return {r["district_id"]: {"valid": r["valid"], "hv": r["hv"]} for r in rows}


@dataclass(frozen=True)
class KpiRow:
    date: dt.date
    district_id: int | None
    code: str
    name: str
    valid: int
    high_value: int
    population: int | None
    population_year: int | None
    population_basis: str
    population_source: str

    @property
    def valid_per_10k(self) -> Decimal | None:
        return per_10k(self.valid, self.population)

    @property
    def high_value_per_10k(self) -> Decimal | None:
        return per_10k(self.high_value, self.population)


def per_10k(count: int, population: int | None) -> Decimal | None:
    if not population:
        return None
    return (Decimal(count) * TEN_THOUSAND / Decimal(population)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def populations(year: int) -> dict[int | None, Population]:
    """Per district (None: the city), the figure for `year` or the latest earlier one (one query)."""
    out: dict[int | None, Population] = {}
    for row in Population.objects.filter(year__lte=year).order_by("year"):
        out[row.district_id] = row
    return out


def _population(
    district_id: int | None, year: int, table: dict[int | None, Population] | None = None
) -> Population | None:
    return (table if table is not None else populations(year)).get(district_id)


def city_population(
    year: int, table: dict[int | None, Population] | None = None
) -> tuple[int | None, int | None, str, str]:
    table = table if table is not None else populations(year)
    row = table.get(None)
    if row is not None:
        return row.population, row.year, row.basis, row.source
    parts = [p for k, p in table.items() if k is not None]
    if not parts:
        return None, None, "", ""
    return (
        sum(p.population for p in parts),
        max(p.year for p in parts),
        parts[0].basis,
        "sum of the districts' figures",
    )


def kpi_at(
    date: dt.date,
    *,
    district: District | None = None,
    counts: dict | None = None,
    table: dict[int | None, Population] | None = None,
) -> KpiRow:
    counts = counts if counts is not None else ledger_counts(date)
    table = table if table is not None else populations(date.year)
    if district is None:
        valid = sum(c["valid"] for c in counts.values())
        hv = sum(c["hv"] for c in counts.values())
        population, year, basis, source = city_population(date.year, table)
        name = str(_city_name())
        district_id, code = None, ""
    else:
        c = counts.get(district.pk, {"valid": 0, "hv": 0})
        valid, hv = c["valid"], c["hv"]
        row = table.get(district.pk)
        population, year, basis, source = (
            (row.population, row.year, row.basis, row.source) if row else (None, None, "", "")
        )
        name, district_id, code = district.name, district.pk, district.code
    return KpiRow(date, district_id, code, name, valid, hv, population, year, basis, source)


def _city_name() -> str:
    from django.utils.translation import gettext as _

    return _("Yantai (city)")


def kpi_table(date: dt.date) -> tuple[KpiRow, list[KpiRow]]:
    """The city row and one row per district, from a single ledger aggregate."""
    counts = ledger_counts(date)
    table = populations(date.year)
    city = kpi_at(date, counts=counts, table=table)
    return city, [kpi_at(date, district=d, counts=counts, table=table) for d in District.objects.all()]


def kpi_series(years: list[int], district: District | None = None) -> list[KpiRow]:
    return [kpi_at(dt.date(y, 12, 31), district=district) for y in years]
