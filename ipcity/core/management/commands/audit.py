import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ipcity.core.audit import (
    DigestRefused,
    RekeyRefused,
    audit_digest_publish,
    audit_rekey,
    digest_dir,
    verify_all,
)
from ipcity.core.models import AuditEntry


class Command(BaseCommand):
    help = (
        "Audit trail tools. `audit verify` checks the keyed chain, the published digests and the ledgers "
        "and reports every problem; `audit digest [--day YYYY-MM-DD]` signs and publishes a day's digest "
        "(default: yesterday); `audit rekey` re-seals, once after the upgrade, rows written before the "
        "keyed chain."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "digest", "rekey"])
        parser.add_argument("--day", type=dt.date.fromisoformat, help="digest: the day (default yesterday)")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "digest":
            day = options["day"] or timezone.localdate() - dt.timedelta(days=1)
            try:
                digest = audit_digest_publish(actor="command:audit digest", day=day)
            except DigestRefused as exc:
                raise CommandError(f"digest not published: {exc}") from None
            self.stdout.write(
                f"digest of {digest.day}: #{digest.seq} {digest.hash} "
                f"({digest.count} record(s)) → {digest_dir() / f'{digest.day}.json'}"
            )
            return
        if action == "rekey":
            try:
                n = audit_rekey(actor="command:audit rekey")
            except RekeyRefused as exc:
                raise CommandError(f"not re-sealed: {exc}") from None
            self.stdout.write(f"re-sealed the chain with the current key ({n} row(s) written before it)")
            return
        problems = verify_all()
        total = AuditEntry.objects.count()
        if problems:
            for problem in problems:
                self.stderr.write(f"TAMPERED {problem}")
            raise CommandError(f"audit chain broken: {len(problems)} problem(s) in {total} record(s)")
        self.stdout.write(f"audit chain intact: {total} record(s) verified")
