"""manage.py compute_kpis [--years 2022 2023 2024] [--rebuild]: rebuild the KPI ledger (and, with
--rebuild, every patent's derived data), print the city and district KPIs at each year end, and feed
the plan's indicator series."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from ipcity.patents import kpi
from ipcity.patents.services import kpi_indicators_feed, kpi_ledger_rebuild, patents_rederive


class Command(BaseCommand):
    help = "Compute the patent KPIs at year ends and record them in the plan's indicator series."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--years", type=int, nargs="*", default=None)
        parser.add_argument(
            "--rebuild", action="store_true", help="recompute every patent's derived data first"
        )
        parser.add_argument("--no-feed", action="store_true", help="do not write the plan's indicator values")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rebuild"]:
            self.stdout.write(f"re-derived {patents_rederive(actor='system')} patents")
        kpi_ledger_rebuild(actor="system")
        today = timezone.localdate()
        years = options["years"] or list(range(2021, today.year + 1))
        for year in years:
            date = min(dt.date(year, 12, 31), today)
            city, rows = kpi.kpi_table(date)
            self.stdout.write(
                f"{date}: city high-value {city.high_value} ({city.high_value_per_10k} per 10k), "
                f"valid inventions {city.valid} ({city.valid_per_10k} per 10k), population {city.population}"
            )
            if options["verbosity"] > 1:
                for row in rows:
                    self.stdout.write(
                        f"  {row.name}: {row.high_value} / {row.population} → {row.high_value_per_10k}"
                    )
        if not options["no_feed"]:
            written = kpi_indicators_feed(actor="system", years=years)
            self.stdout.write(f"recorded {len(written)} indicator values")
