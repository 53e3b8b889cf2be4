from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ipcity.orgs.importing import import_entities


class Command(BaseCommand):
    help = (
        "Import entities (and their certifications) from an .xlsx or .csv file. Every row is checked first; "
        "if any row is bad nothing is written and every bad row is listed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--actor", default="import_entities", help="name recorded in the audit trail")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        if path.suffix.lower() not in (".xlsx", ".csv"):
            raise CommandError("the file must be .xlsx or .csv")
        with path.open("rb") as stream:
            result = import_entities(actor=f"command:{options['actor']}", stream=stream, filename=path.name)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(result.errors)} problem(s); nothing was imported")
        self.stdout.write(
            f"imported {path.name}: {result.created} created, {result.updated} updated, "
            f"{result.certifications} certification(s) added"
        )
