"""manage.py import_patents FILE [--mapping NAME] [--report PATH]

Prints one summary line: `imported N, updated N, unchanged N, rejected N`; writes the per-row error
report next to the file (FILE.errors.csv) or where --report says. A progress bar goes to stderr."""

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ipcity.patents.importing import ImportFileError, ImportResult, available_mappings
from ipcity.patents.services import patent_file_import


class Command(BaseCommand):
    help = "Import patents from a CSV, Excel (.xlsx) or JSON Lines file (format from the extension)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--mapping",
            default="auto",
            help=f"column mapping: {', '.join(available_mappings())} or a YAML path",
        )
        parser.add_argument("--report", default=None, help="where to write the per-row error report (CSV)")
        parser.add_argument("--batch-size", type=int, default=20000)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        started = time.monotonic()
        show = not options["no_progress"] and options["verbosity"] > 0

        def progress(position: int, total: int, result: ImportResult) -> None:
            if not show:
                return
            share = position / total if total else 1
            bar = "#" * int(share * 30)
            rate = result.rows / max(time.monotonic() - started, 1e-6)
            sys.stderr.write(f"\r[{bar:<30}] {share:6.1%} {result.rows:>10,} rows {rate:>8,.0f} rows/s")
            sys.stderr.flush()

        try:
            result = patent_file_import(
                actor="system",
                path=path,
                mapping=options["mapping"],
                report_path=Path(options["report"]) if options["report"] else None,
                progress=progress,
                batch_size=options["batch_size"],
            )
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        if show:
            sys.stderr.write("\n")
        self.stdout.write(result.summary())
        if options["verbosity"] > 1:
            self.stderr.write(f"error report: {result.report_path}")
