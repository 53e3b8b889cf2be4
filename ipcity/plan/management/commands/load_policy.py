"""manage.py load_policy <folder>: validate a policy package and load it (idempotent, atomic, audited)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ipcity.plan.hooks import plan_loaded
from ipcity.plan.loader import PolicyPackageError, load_package


class Command(BaseCommand):
    help = "Load a policy package (organisations.yaml, plan.yaml, indicators.yaml) into the database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", help="the package folder, e.g. policies/yantai-2022-2024")
        parser.add_argument("--check", action="store_true", help="only validate the package; write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        from ipcity.plan.loader import read_package

        try:
            if options["check"]:
                package = read_package(options["folder"])
                self.stdout.write(f"OK: {package.folder} is valid (digest {package.digest[:12]}).")
                return
            result = load_package(options["folder"], actor="load_policy")
        except PolicyPackageError as exc:
            lines = "\n".join(f"  - {p}" for p in exc.problems)
            raise CommandError(
                f"The policy package was not loaded (nothing changed); {len(exc.problems)} problem(s):\n{lines}"
            ) from exc
        # Apps built on the plan add what follows from it (reporting: the periods of the plan's frequency, so
        # a freshly loaded plan can be reported on at once); the plan does not import them (hooks.py).
        periods = [
            period
            for _receiver, made in plan_loaded.send(
                sender=self.__class__, plan=result.plan, actor="load_policy"
            )
            for period in made or ()
        ]
        if options["verbosity"] > 0:
            style = self.style.SUCCESS if result.changed else self.style.NOTICE
            self.stdout.write(style(result.message))
            if periods:
                self.stdout.write(f"Created {len(periods)} reporting period(s).")
