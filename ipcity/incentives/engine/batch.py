"""Reading a batch of applications for simulation from JSON, CSV or Excel.

Each application has ``scheme``, ``date`` and ``facts``. In CSV/Excel, the columns other than ``id``,
``scheme`` and ``date`` are facts (empty cells are left out; ``items`` is a JSON list), or one ``facts``
column holds the facts as JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

RESERVED = {"id", "scheme", "date"}


def _row_to_application(row: dict[str, Any]) -> dict[str, Any]:
    app: dict[str, Any] = {k: row.get(k) for k in RESERVED if row.get(k) not in (None, "")}
    if app.get("date") is not None and hasattr(app["date"], "isoformat"):
        app["date"] = app["date"].isoformat()[:10]
    if row.get("facts"):
        try:
            app["facts"] = json.loads(row["facts"])
        except ValueError:
            app["facts"] = row["facts"]
        return app
    facts: dict[str, Any] = {}
    for key, value in row.items():
        if key is None or key in RESERVED or key == "facts" or value in (None, ""):
            continue
        if key == "items" and isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                pass
        facts[str(key).strip()] = value if not isinstance(value, float) else repr(value)
    app["facts"] = facts
    return app


def applications_from_table(header: list[Any], rows: Iterable[list[Any]]) -> list[dict[str, Any]]:
    """Applications from a table already read (header first), e.g. by the platform's guarded reader."""
    names = [str(h).strip() if h is not None else "" for h in header]
    return [_row_to_application(dict(zip(names, r, strict=False))) for r in rows if any(r)]


def read_batch(data: bytes, filename: str = "") -> list[dict[str, Any]]:
    """Trusted input only (tests, files an analyst wrote): uploads go through the platform's guarded
    reader first (ipcity.incentives.catalogue.read_batch_upload)."""
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm")) or data[:2] == b"PK":
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        if not rows:
            return []
        header = [str(h).strip() if h is not None else "" for h in rows[0]]
        return [_row_to_application(dict(zip(header, r, strict=False))) for r in rows[1:] if any(r)]
    text = data.decode("utf-8-sig")
    stripped = text.lstrip()
    if name.endswith(".json") or stripped.startswith(("[", "{")):
        loaded = json.loads(text)
        if isinstance(loaded, dict):
            loaded = loaded.get("applications", [])
        if not isinstance(loaded, list):
            raise ValueError("a JSON batch is a list of applications")
        return loaded
    reader = csv.DictReader(io.StringIO(text))
    return [_row_to_application(dict(r)) for r in reader]
