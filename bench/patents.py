"""Patent registry benchmark on PostgreSQL (issue 5).

1. import throughput of N synthetic patents (default 1,000,000) through the real import path
   (CSV → streamed parse/validate/classify → batch upsert), compared in the same run with PostgreSQL
   COPY of the same CSV into a table of the same columns (the floor), as a ratio;
2. time to compute the city and all district KPIs at a date, over N and over 5,000,000 patents
   (the 5M table is built by replicating the imported rows in SQL with shifted dates), both from the
   KPI ledger (what pages/API use) and directly from the patents table, plus the ledger rebuild time.

DATABASE_URL (default postgres://postgres@127.0.0.1:5432/ipcity_bench). Options: --rows N,
--big N (0 skips the large KPI case), --reimport (also time re-importing the unchanged file).
Prints figures and writes bench/results/patents.json; record them in bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ipcity_bench"


def ensure_database(url: str) -> None:
    from urllib.parse import urlparse

    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def timed(fn, repeat: int = 1):  # type: ignore[no-untyped-def]
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return result, times


def run_kpi_cases(args, out, connection, Patent, kpi, ROOT) -> None:  # type: ignore[no-untyped-def]
    def kpi_case(label: str) -> None:
        with connection.cursor() as cur:
            cur.execute(f"VACUUM ANALYZE {Patent._meta.db_table}")
        count = Patent.objects.count()
        rows, t = timed(kpi.ledger_rebuild)
        rebuild = t[0]
        dates = [dt.date(y, 12, 31) for y in (2020, 2021, 2022, 2023, 2024)]
        ledger_times, direct_times = [], []
        for d in dates:
            (city, districts), t = timed(lambda d=d: kpi.kpi_table(d))
            ledger_times.append(t[0])
            direct, t = timed(lambda d=d: kpi.direct_counts(d))
            direct_times.append(t[0])
            assert sum(c["hv"] for c in direct.values()) == city.high_value, "ledger and direct counts differ"
        print(
            f"KPI over {count:,} patents ({label}): city + {len(districts)} districts at a year end: "
            f"ledger median {statistics.median(ledger_times) * 1000:.1f} ms (max {max(ledger_times) * 1000:.1f}), "
            f"direct query median {statistics.median(direct_times) * 1000:.0f} ms; ledger rebuild {rebuild:.1f}s "
            f"({rows:,} ledger rows); 2024-12-31 city: {city.high_value:,} high-value, {city.valid:,} valid"
        )
        out[f"kpi_{label}"] = {
            "patents": count,
            "ledger_ms_median": round(statistics.median(ledger_times) * 1000, 1),
            "ledger_ms_max": round(max(ledger_times) * 1000, 1),
            "direct_ms_median": round(statistics.median(direct_times) * 1000),
            "ledger_rebuild_s": round(rebuild, 1),
            "ledger_rows": rows,
        }

    kpi_case("1x")
    if args.big and args.big > args.rows:
        copies = -(-args.big // args.rows) - 1
        table = Patent._meta.db_table
        fields = [
            f.column for f in Patent._meta.concrete_fields if f.column not in {"id", "application_number"}
        ]
        shifted = {
            c: f"{c} - (k * 41)"
            for c in ("filing_date", "grant_date", "valid_from", "valid_until", "hv_from", "status_date")
        }
        select = ", ".join(shifted.get(c, c) for c in fields)

        def replicate() -> None:
            with connection.cursor() as cur:
                cur.execute(
                    f"INSERT INTO {table} (application_number, {', '.join(fields)}) "  # noqa: S608
                    f"SELECT 'S' || k || lpad(id::text, 12, '0'), {select} FROM {table}, generate_series(1, %s) AS k "
                    f"WHERE id IN (SELECT id FROM {table} ORDER BY id LIMIT %s)",
                    [copies, args.rows],
                )

        _, t = timed(replicate)
        print(f"replicated to {Patent.objects.count():,} patents in {t[0]:.0f}s")
        kpi_case("big")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--big", type=int, default=5_000_000)
    parser.add_argument("--reimport", action="store_true")
    parser.add_argument("--batch-size", type=int, default=20000)
    parser.add_argument(
        "--parser-process",
        action="store_true",
        help="also time the import with the forked parser process (same run, registry emptied again)",
    )
    parser.add_argument(
        "--kpi-only", action="store_true", help="skip COPY and import: reuse the imported rows"
    )
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        sys.exit("bench/patents.py needs PostgreSQL: set DATABASE_URL=postgres://...")
    ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from ipcity.patents import kpi, synth
    from ipcity.patents.models import Patent, SeiRule
    from ipcity.patents.services import patent_file_import

    call_command("migrate", verbosity=0)
    if not Patent._meta.db_table:
        raise SystemExit("no patents table")
    call_command("load_policy", str(ROOT / "policies" / "yantai-2022-2024"), verbosity=0)
    if not SeiRule.objects.exists():
        call_command("load_sei", "--no-reclassify", verbosity=0)

    out: dict[str, object] = {
        "rows": args.rows,
        "database": connection.settings_dict["NAME"],
        "cpus": os.cpu_count(),
    }
    data_dir = ROOT / "var" / "bench"
    data_dir.mkdir(parents=True, exist_ok=True)
    csv_path = data_dir / f"patents-{args.rows}.csv"
    if not csv_path.exists():
        _, t = timed(lambda: synth.write(csv_path, synth.generate(args.rows, seed=1)))
        print(
            f"generated {args.rows:,} rows in {t[0]:.1f}s → {csv_path} ({csv_path.stat().st_size / 1e6:.0f} MB)"
        )
    with connection.cursor() as cur:
        cur.execute("SELECT version()")
        out["postgres"] = cur.fetchone()[0].split(" on ")[0]

    if args.kpi_only:
        with connection.cursor() as cur:
            cur.execute(f"DELETE FROM {Patent._meta.db_table} WHERE application_number LIKE 'S%%'")  # noqa: S608
        run_kpi_cases(args, out, connection, Patent, kpi, ROOT)
        (ROOT / "bench" / "results").mkdir(exist_ok=True)
        (ROOT / "bench" / "results" / "patents-kpi.json").write_text(
            json.dumps(out, indent=2, ensure_ascii=False)
        )
        print(json.dumps(out, ensure_ascii=False))
        return
    # --- COPY floor: the same CSV into a table with the same columns, typed, with a unique key.
    cols = synth.COLUMNS
    types = {
        "filing_date": "date",
        "grant_date": "date",
        "legal_status_date": "date",
        "overseas_family_since": "date",
        "pledge_date": "date",
        "award_date": "date",
        "overseas_family_granted": "boolean",
        "pledge_amount": "numeric(16,2)",
    }
    ddl = ", ".join(
        f"{c} {types.get(c, 'text')}" + (" PRIMARY KEY" if c == "application_number" else "") for c in cols
    )
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_copy_floor")
        cur.execute(f"CREATE TABLE bench_copy_floor ({ddl})")
    connection.commit() if not connection.get_autocommit() else None

    def copy_floor() -> None:
        with connection.cursor() as cur, open(csv_path, "rb") as fh:
            with cur.cursor.copy(
                f"COPY bench_copy_floor ({', '.join(cols)}) FROM STDIN WITH (FORMAT csv, HEADER true, NULL '')"
            ) as copy:
                while chunk := fh.read(1 << 20):
                    copy.write(chunk)

    out["load_average_before"] = [round(x, 2) for x in os.getloadavg()]
    _, t = timed(copy_floor)
    copy_s = t[0]
    with connection.cursor() as cur:
        cur.execute("DROP TABLE bench_copy_floor")
    print(f"COPY floor: {args.rows:,} rows in {copy_s:.1f}s = {args.rows / copy_s:,.0f} rows/s")

    # --- the real import into an empty registry.
    with connection.cursor() as cur:
        cur.execute(f"TRUNCATE {Patent._meta.db_table} CASCADE")
    report = data_dir / "patents.errors.csv"
    result, t = timed(
        lambda: patent_file_import(
            actor="bench", path=csv_path, mapping="canonical", report_path=report, batch_size=args.batch_size
        )
    )
    import_s = t[0]
    print(
        f"import: {result.summary()} in {import_s:.1f}s = {args.rows / import_s:,.0f} rows/s; "
        f"ratio to COPY {import_s / copy_s:.1f}x (includes the KPI ledger rebuild)"
    )
    out.update(
        copy_seconds=round(copy_s, 2),
        import_seconds=round(import_s, 2),
        copy_rows_per_s=round(args.rows / copy_s),
        import_rows_per_s=round(args.rows / import_s),
        ratio_to_copy=round(import_s / copy_s, 2),
        import_summary=result.summary(),
    )
    if args.parser_process:
        with connection.cursor() as cur:
            cur.execute(f"TRUNCATE {Patent._meta.db_table} CASCADE")
        result2, t = timed(
            lambda: patent_file_import(
                actor="bench",
                path=csv_path,
                mapping="canonical",
                report_path=report,
                batch_size=args.batch_size,
                parser_process=True,
            )
        )
        print(
            f"import with a parser process: {result2.summary()} in {t[0]:.1f}s = {args.rows / t[0]:,.0f} rows/s; "
            f"ratio to COPY {t[0] / copy_s:.1f}x"
        )
        out.update(parser_process_seconds=round(t[0], 2), parser_process_ratio=round(t[0] / copy_s, 2))
    out["load_average"] = [round(x, 2) for x in os.getloadavg()]
    if args.reimport:
        result, t = timed(
            lambda: patent_file_import(actor="bench", path=csv_path, mapping="canonical", report_path=report)
        )
        print(f"re-import (unchanged): {result.summary()} in {t[0]:.1f}s = {args.rows / t[0]:,.0f} rows/s")
        out.update(reimport_seconds=round(t[0], 2), reimport_summary=result.summary())

    run_kpi_cases(args, out, connection, Patent, kpi, ROOT)
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "patents.json").write_text(json.dumps(out, indent=2, ensure_ascii=False))
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
