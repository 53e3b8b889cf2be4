"""manage.py load_sei [DIR]: load CNIPA's SEI ↔ IPC concordance (cn-patent-ipc) into the database."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from ipcity.patents.services import patents_rederive, sei_concordance_load

SUPPLEMENT = Path(__file__).resolve().parents[2] / "data" / "sei_supplement.yaml"


class Command(BaseCommand):
    help = (
        "Load the strategic emerging industry concordance (sei.jsonl, ipc-sei.jsonl) and reclassify patents."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "directory", nargs="?", default=str(Path(settings.SHARED_DATA_DIR) / "cn-patent-ipc")
        )
        parser.add_argument(
            "--no-reclassify", action="store_true", help="do not recompute the patents' SEI codes"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = sei_concordance_load(
            actor="system", data_dir=Path(options["directory"]), supplement=SUPPLEMENT
        )
        self.stdout.write(
            f"loaded {counts['rules']} SEI rules, {counts['mappings']} IPC mappings "
            f"({counts['supplement']} from the H01L/H10 supplement)"
        )
        if not options["no_reclassify"]:
            changed = patents_rederive(actor="system")
            self.stdout.write(f"reclassified {changed} patents")
