"""Send progress-report reminders and overdue notices now (what the daily Celery job does)."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ipcity.reporting.tasks import send_reminders


class Command(BaseCommand):
    help = "Send reminder mails before the due date and overdue notices after it; never sends one twice."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="pretend today is this date (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options.get("date"):
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("--date must be YYYY-MM-DD") from exc
        sent = send_reminders(today=today)
        for r in sent:
            self.stdout.write(f"{r.kind}\t{r.period.code}\t{r.department}\t{len(r.recipients)} recipient(s)")
        self.stdout.write(self.style.SUCCESS(f"{len(sent)} mail(s) sent"))
