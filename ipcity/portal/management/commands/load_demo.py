"""Loads the small, clearly-marked demo data set: each app that has a `demo.py` contributes its part."""

import importlib
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

# Order matters: later parts use what earlier parts made (entities before users, users before reports).
DEMO_APPS = ["orgs", "accounts", "plan", "reporting", "incentives", "grants", "patents"]


class Command(BaseCommand):
    help = "Load the demo data set (idempotent). Prints the demo logins per role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--patents", type=int, default=3000, help="synthetic patents to generate")

    def handle(self, *args: Any, **options: Any) -> None:
        for app in DEMO_APPS:
            try:
                module = importlib.import_module(f"ipcity.{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"ipcity.{app}.demo":
                    raise
                continue
            module.load(stdout=self.stdout, options=options)
        from ipcity.accounts.demo import DEMO_PASSWORD, demo_logins

        self.stdout.write("")
        self.stdout.write("=" * 72)
        self.stdout.write(
            "DEMO DATA loaded (marked 演示 / demo). Log in at http://127.0.0.1:8000/accounts/login/"
        )
        self.stdout.write(f"Every demo account's password: {DEMO_PASSWORD}")
        for role, username, who in demo_logins():
            self.stdout.write(f"  {role:<12} {username:<22} {who}")
        self.stdout.write("=" * 72)
