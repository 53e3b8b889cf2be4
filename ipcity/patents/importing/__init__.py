"""Streaming patent imports: CSV, Excel (.xlsx) and JSON Lines, read row by row (constant memory),
validated per row, written in batches by an idempotent upsert on the application number. Rows whose
content hash is unchanged are skipped. See docs/patents-import.md and docs/adr/0302-import.md.

One concern per module: `mapping` (column mappings), `readers` (files, row by row), `context` (what row
parsing needs), `rows` (parse and validate one row), `hashing` (content hash), `pipeline` (the run).
The public names are re-exported here."""

from ..writer import WRITE_FIELDS
from .context import Context, build_context
from .errors import ImportFileError, RowError
from .hashing import content_hash
from .mapping import CANONICAL_COLUMNS, MAPPINGS_DIR, Mapping, available_mappings, load_mapping
from .pipeline import ImportResult, ProgressCallback, default_report_path, run_import
from .readers import FORMATS, CsvReader, JsonlReader, Reader, XlsxReader, reader_for
from .rows import parse_bool, parse_date, parse_row

__all__ = [
    "CANONICAL_COLUMNS",
    "FORMATS",
    "MAPPINGS_DIR",
    "WRITE_FIELDS",
    "Context",
    "CsvReader",
    "ImportFileError",
    "ImportResult",
    "JsonlReader",
    "Mapping",
    "ProgressCallback",
    "Reader",
    "RowError",
    "XlsxReader",
    "available_mappings",
    "build_context",
    "content_hash",
    "default_report_path",
    "load_mapping",
    "parse_bool",
    "parse_date",
    "parse_row",
    "reader_for",
    "run_import",
]
