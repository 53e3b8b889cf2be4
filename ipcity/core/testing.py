"""Test helper: run a slow loader once per test session and put its rows back in bulk afterwards.

`manage.py load_policy` (~0.9 s: YAML, validation, full_clean per row, audit) and `manage.py load_sei`
(34,607 rows) would otherwise run again for every test that needs their data, because each test's
transaction is rolled back (and a transactional test's flush empties every table). `DataSnapshot.capture`
runs the loader once inside a transaction that is rolled back, keeping every row it wrote;
`restore()` re-inserts exactly those rows (same primary keys, same audit hashes) in bulk;
`apply()` does that, or runs the loader again when a test has already written to one of its tables.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone


def _all_models() -> list[type[models.Model]]:
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and not m._meta.swapped
    ]


class _Table:
    """One table's captured rows, ready for executemany (values already prepared for the database)."""

    def __init__(self, model: type[models.Model], rows: list[dict[str, Any]]) -> None:
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]
        self.stamped = [
            i
            for i, f in enumerate(self.fields)
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
        self.rows = [[f.get_db_prep_save(row[f.attname], connection) for f in self.fields] for row in rows]
        columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        table = connection.ops.quote_name(model._meta.db_table)
        self.sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 (names from the model)

    def insert(self, cursor: Any, now: Any) -> None:
        rows = self.rows
        if self.stamped:  # auto_now / auto_now_add columns get the current time, as the loader's would
            stamps = {i: self.fields[i].get_db_prep_save(now, connection) for i in self.stamped}
            rows = [[stamps.get(i, v) for i, v in enumerate(row)] for row in rows]
        cursor.executemany(self.sql, rows)


class DataSnapshot:
    """The rows a loader adds to tables that were empty before it ran."""

    def __init__(
        self, load: Callable[[], str], tables: list[_Table], output: str, *, usable: bool = True
    ) -> None:
        self.load = load
        self.usable = usable
        self.tables = tables
        self.output = output  # what the loader printed

    @classmethod
    def capture(cls, load: Callable[[], str]) -> DataSnapshot:
        """Run `load` (returning its printed output) in a transaction that is rolled back; keep its rows.

        Only tables that were empty beforehand may be written, so re-inserting the rows reproduces the
        loader's effect exactly; otherwise the snapshot is not used and `apply()` runs the loader."""
        everything = _all_models()
        with transaction.atomic():
            before = {m: list(m._base_manager.order_by("pk").values()) for m in everything}
            output = load()
            tables, usable = [], True
            for model in everything:
                after = list(model._base_manager.order_by("pk").values())
                if after == before[model]:
                    continue
                if before[model]:  # re-inserting would not reproduce an update: always run the loader
                    usable = False
                tables.append(_Table(model, after))
            transaction.set_rollback(True)
        return cls(load, tables, output, usable=usable)

    def applies(self) -> bool:
        """True when every table the loader writes is empty, i.e. restoring equals running the loader."""
        return self.usable and not any(table.model._base_manager.exists() for table in self.tables)

    def restore(self) -> None:
        """Insert the captured rows, one executemany per table, in one transaction (foreign keys are
        checked at its end)."""
        now = timezone.now()
        with transaction.atomic(), connection.cursor() as cursor:
            for table in self.tables:
                table.insert(cursor, now)
            # PostgreSQL: the sequences must not hand out the primary keys just inserted.
            models_ = [table.model for table in self.tables]
            for statement in connection.ops.sequence_reset_sql(no_style(), models_):
                cursor.execute(statement)

    def apply(self) -> str:
        """The loader's effect and its output: restored from the snapshot when every table it writes is
        empty (the usual case), else by running the loader itself."""
        if self.applies():
            self.restore()
            return self.output
        return self.load()
