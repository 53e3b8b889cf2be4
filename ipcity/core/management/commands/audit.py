from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ipcity.core.audit import verify_chain
from ipcity.core.models import AuditEntry


class Command(BaseCommand):
    help = "Audit trail tools. `audit verify` recomputes the hash chain and reports every break."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        problems = list(verify_chain())
        total = AuditEntry.objects.count()
        if problems:
            for problem in problems:
                self.stderr.write(f"TAMPERED {problem}")
            raise CommandError(f"audit chain broken: {len(problems)} problem(s) in {total} record(s)")
        self.stdout.write(f"audit chain intact: {total} record(s) verified")
