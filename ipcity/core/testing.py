"""Test helper: run a slow loader once per test session and replay what it wrote afterwards.

`manage.py load_policy` (~0.4 s CPU: YAML, validation, full_clean per row, audit) and `manage.py load_sei`
(34,607 rows) would otherwise run again for every test that needs their data, because each test's
transaction is rolled back (and a transactional test's flush empties every table).

`DataSnapshot(load).apply()` gives the loader's effect. The first time it meets a database state it runs
the loader and records every table the loader changed (the rows after it, primary keys and audit hashes
included); when it meets the same state again it writes those rows back in bulk instead. "The same
state" is exact: the row count of every table and the contents of every non-empty table, except
Django's content types and permissions, whose ids change with each flush (only their counts are
compared; the loaders must not store their ids). A test that wrote to the database before asking for
the data therefore gets the loader itself, and the result is always what the command would give.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

# Tables compared by row count only: their ids are renumbered by every flush.
COUNTED_ONLY: tuple[type[models.Model], ...] = (ContentType, Permission)
MEMORY = 8  # database states remembered per loader


def _all_models() -> list[type[models.Model]]:
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and not m._meta.swapped
    ]


def _counts(everything: list[type[models.Model]]) -> list[int]:
    """The row count of every table, in one query."""
    quote = connection.ops.quote_name
    parts = [f"(SELECT COUNT(*) FROM {quote(m._meta.db_table)})" for m in everything]  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        row = cursor.fetchone()
    return [int(n) for n in row]


def _rows(model: type[models.Model]) -> list[dict[str, Any]]:
    return list(model._base_manager.order_by("pk").values())


class _Table:
    """One table's contents after the loader, ready for executemany (values prepared for the database)."""

    def __init__(self, model: type[models.Model], rows: list[dict[str, Any]], *, replace: bool) -> None:
        self.model = model
        self.replace = replace  # the table had rows before the loader: empty it first
        self.fields = [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]
        self.stamped = [
            i
            for i, f in enumerate(self.fields)
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
        self.rows = [[f.get_db_prep_save(row[f.attname], connection) for f in self.fields] for row in rows]
        quote = connection.ops.quote_name
        self.table = quote(model._meta.db_table)
        columns = ", ".join(quote(str(f.column)) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        self.sql = f"INSERT INTO {self.table} ({columns}) VALUES ({marks})"  # noqa: S608 (names from the model)

    def write(self, cursor: Any, now: Any) -> None:
        if self.replace:
            cursor.execute(f"DELETE FROM {self.table}")  # noqa: S608
        rows = self.rows
        if self.stamped:  # auto_now / auto_now_add columns get the current time, as the loader's would
            stamps = {i: self.fields[i].get_db_prep_save(now, connection) for i in self.stamped}
            rows = [[stamps.get(i, v) for i, v in enumerate(row)] for row in rows]
        if rows:
            cursor.executemany(self.sql, rows)


class DataSnapshot:
    """A loader (returning what it printed) whose effect is replayed for database states it has seen."""

    def __init__(self, load: Callable[[], str]) -> None:
        self.load = load
        self.known: dict[str, tuple[list[_Table], str]] = {}
        self.runs = 0  # how often the loader itself ran
        self.replays = 0

    def _state(self, everything: list[type[models.Model]]) -> tuple[str, list[int], dict[Any, Any]]:
        counts = _counts(everything)
        contents = {
            m: _rows(m) for m, n in zip(everything, counts, strict=True) if n and m not in COUNTED_ONLY
        }
        key = repr((counts, [(m._meta.label, rows) for m, rows in contents.items()]))
        return key, counts, contents

    def apply(self) -> str:
        """Run the loader, or replay it if it already ran on this exact database state; its output."""
        everything = _all_models()
        key, counts, contents = self._state(everything)
        if key in self.known:
            tables, output = self.known[key]
            self._write(tables)
            self.replays += 1
            return output
        with transaction.atomic():
            output = self.load()
            self.runs += 1
            after = _counts(everything)
            tables, replayable = [], True
            for model, n_before, n_after in zip(everything, counts, after, strict=True):
                if model in COUNTED_ONLY:
                    replayable = replayable and n_before == n_after
                    continue
                if not n_before and not n_after:
                    continue
                rows = _rows(model)
                if rows != contents.get(model, []):
                    tables.append(_Table(model, rows, replace=bool(n_before)))
        if replayable:
            if len(self.known) >= MEMORY:
                del self.known[next(iter(self.known))]
            self.known[key] = (tables, output)
        return output

    @staticmethod
    def _write(tables: list[_Table]) -> None:
        """One transaction (foreign keys are checked at its end), one executemany per table."""
        now = timezone.now()
        with transaction.atomic(), connection.cursor() as cursor:
            for table in tables:
                table.write(cursor, now)
            # PostgreSQL: the sequences must not hand out the primary keys just written.
            for statement in connection.ops.sequence_reset_sql(no_style(), [t.model for t in tables]):
                cursor.execute(statement)
