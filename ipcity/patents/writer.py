"""Batch upsert of parsed patent rows: one query to find what exists, then one upsert for new and
changed rows (PostgreSQL: COPY into a temporary table + INSERT … ON CONFLICT; other databases:
bulk_create with update_conflicts). Status changes go to the history. Called by services only."""

from __future__ import annotations

from operator import itemgetter
from typing import Any

import psycopg
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .models import KpiLedgerState, Patent, PatentEvent

# Model fields an import writes (in this order for the PostgreSQL COPY path).
WRITE_FIELDS = [
    "application_number",
    "type",
    "title",
    "abstract",
    "applicants",
    "holders",
    "holder_entity_id",
    "district_id",
    "is_domestic",
    "filing_date",
    "publication_number",
    "publication_date",
    "grant_date",
    "ipc_main",
    "ipc",
    "legal_status",
    "status_date",
    "annual_fee_paid_until",
    "overseas_family_granted",
    "overseas_family_since",
    "family_members",
    "pledge_amount",
    "pledge_date",
    "award",
    "award_date",
    "licence_date",
    "licensee",
    "transfer_date",
    "transferee",
    "sei_codes",
    "patent_intensive",
    "valid_from",
    "valid_until",
    "hv_from",
    "content_hash",
    "is_demo",
]

STAGE = "patent_stage"
row_values = itemgetter(*WRITE_FIELDS)


def write_batch(rows: list[dict[str, Any]]) -> tuple[int, int, int]:
    """Upsert rows (distinct application numbers); return (imported, updated, unchanged)."""
    numbers = [r["application_number"] for r in rows]
    postgres = connection.vendor == "postgresql"
    with transaction.atomic():
        if postgres:
            # One array parameter instead of thousands of IN (...) placeholders.
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT application_number, id, content_hash, legal_status FROM {Patent._meta.db_table} "  # noqa: S608
                    "WHERE application_number = ANY(string_to_array(%s, ','))",
                    [",".join(numbers)],
                )
                found = cursor.fetchall()
        else:
            found = list(
                Patent.objects.filter(application_number__in=numbers).values_list(
                    "application_number", "id", "content_hash", "legal_status"
                )
            )
        existing = {number: (pk, digest, status) for number, pk, digest, status in found}
        new = [r for r in rows if r["application_number"] not in existing]
        changed = [
            r
            for r in rows
            if r["application_number"] in existing
            and existing[r["application_number"]][1] != r["content_hash"]
        ]
        todo = new + changed
        if todo:
            ids: dict[str, int] | None = None
            if postgres:
                ids = _upsert_postgres(new, changed)
            else:
                _upsert_orm(todo)
            events = []
            for r in changed:
                pk, _digest, old_status = existing[r["application_number"]]
                if old_status != r["legal_status"]:
                    events.append(
                        PatentEvent(
                            patent_id=pk,
                            kind="status",
                            date=r["status_date"] or timezone.localdate(),
                            status=r["legal_status"],
                            note=f"{old_status} → {r['legal_status']}",
                        )
                    )
            if ids is not None:
                ids.update((number, pk) for number, (pk, _d, _s) in existing.items())
            events += _fact_events(todo, ids, {existing[r["application_number"]][0] for r in changed})
            if events:
                PatentEvent.objects.bulk_create(events)
            KpiLedgerState.objects.update_or_create(id=1, defaults={"dirty": True})
    return len(new), len(changed), len(rows) - len(todo)


def _fact_events(
    rows: list[dict[str, Any]], ids: dict[str, int] | None, old_ids: set[int]
) -> list[PatentEvent]:
    """Pledge, award, licence and transfer records for the history, once each (same patent, kind, date,
    amount, note and counterparty).
    `ids`: application number → patent id when the upsert already knows them; `old_ids`: the
    patents that existed before this batch (only they can have recorded events)."""
    facts = [
        r
        for r in rows
        if r["pledge_amount"] is not None or r["award"] or r["licence_date"] or r["transfer_date"]
    ]
    if not facts:
        return []
    missing = [r["application_number"] for r in facts if ids is None or r["application_number"] not in ids]
    if missing:
        ids = dict(ids or {})
        ids.update(
            Patent.objects.filter(application_number__in=missing).values_list("application_number", "id")
        )
    assert ids is not None
    wanted = {ids[r["application_number"]] for r in facts} & old_ids
    seen = (
        set(
            PatentEvent.objects.filter(
                patent_id__in=wanted, kind__in=["pledge", "award", "licence", "transfer"]
            ).values_list("patent_id", "kind", "date", "amount", "note", "counterparty")
        )
        if wanted
        else set()
    )
    out = []
    for r in facts:
        pk = ids[r["application_number"]]
        if (
            r["pledge_amount"] is not None
            and (pk, "pledge", r["pledge_date"], r["pledge_amount"], "", "") not in seen
        ):
            out.append(
                PatentEvent(patent_id=pk, kind="pledge", date=r["pledge_date"], amount=r["pledge_amount"])
            )
        if r["award"] and (pk, "award", r["award_date"], None, r["award"], "") not in seen:
            out.append(PatentEvent(patent_id=pk, kind="award", date=r["award_date"], note=r["award"]))
        for kind, date, party in (
            ("licence", r["licence_date"], r["licensee"]),
            ("transfer", r["transfer_date"], r["transferee"]),
        ):
            if date and (pk, kind, date, None, "", party) not in seen:
                out.append(PatentEvent(patent_id=pk, kind=kind, date=date, counterparty=party))
    return out


def _upsert_orm(rows: list[dict[str, Any]]) -> None:
    now = timezone.now()
    objs = [Patent(**r, created_at=now, updated_at=now) for r in rows]
    fields = [f.removesuffix("_id") if f.endswith("_id") else f for f in WRITE_FIELDS]
    Patent.objects.bulk_create(
        objs,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["application_number"],
        update_fields=[f for f in fields if f != "application_number"] + ["updated_at"],
    )


def _upsert_postgres(new: list[dict[str, Any]], changed: list[dict[str, Any]]) -> dict[str, int]:
    """Write new and changed rows; return application number → id of those merged by the upsert.

    New rows (none of them existed when the batch looked) are copied straight into the table, inside
    a savepoint: if another writer inserted one of them meanwhile, the savepoint is rolled back and
    they go the general way. Changed rows (and that fallback) are copied into a temporary table and
    merged by one `INSERT … ON CONFLICT (application_number) DO UPDATE`."""
    table = Patent._meta.db_table
    cols = WRITE_FIELDS + ["created_at", "updated_at"]
    col_list = ", ".join(cols)
    now = timezone.now()
    ids: dict[str, int] = {}
    merge = list(changed)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        if new:
            try:
                with transaction.atomic():
                    with raw.copy(f"COPY {table} ({col_list}) FROM STDIN") as copy:
                        for r in new:
                            copy.write_row((*row_values(r), now, now))
            except (IntegrityError, psycopg.IntegrityError):  # the raw cursor raises psycopg's own
                merge += new
        if not merge:
            return ids
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {STAGE} AS SELECT {col_list} FROM {table} WITH NO DATA"  # noqa: S608
        )
        with raw.copy(f"COPY {STAGE} ({col_list}) FROM STDIN") as copy:
            for r in merge:
                copy.write_row((*row_values(r), now, now))
        updates = ", ".join(
            f"{c} = EXCLUDED.{c}" for c in cols if c not in {"application_number", "created_at"}
        )
        cursor.execute(
            f"INSERT INTO {table} ({col_list}) SELECT {col_list} FROM {STAGE} "  # noqa: S608
            f"ON CONFLICT (application_number) DO UPDATE SET {updates} RETURNING application_number, id"
        )
        ids.update(cursor.fetchall())
        cursor.execute(f"TRUNCATE {STAGE}")
    return ids
