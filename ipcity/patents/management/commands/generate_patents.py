"""manage.py generate_patents N OUT.csv|OUT.jsonl [--seed S]: synthetic Yantai patents (reproducible)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ipcity.patents import synth


class Command(BaseCommand):
    help = "Write N synthetic patents in the canonical template (CSV or JSON Lines)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("count", type=int)
        parser.add_argument("output")
        parser.add_argument("--seed", type=int, default=2022)

    def handle(self, *args: Any, **options: Any) -> None:
        count = synth.write(Path(options["output"]), synth.generate(options["count"], seed=options["seed"]))
        self.stdout.write(f"wrote {count} synthetic patents to {options['output']}")
