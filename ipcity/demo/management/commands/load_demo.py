"""Loads the small, clearly-marked demo data set: the parts of ipcity.demo, in the order of PARTS."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ipcity.demo import parts
from ipcity.demo.accounts import DEMO_PASSWORD, demo_logins
from ipcity.demo.patents import DEFAULT_PATENTS


class Command(BaseCommand):
    help = "Load the demo data set (idempotent). Prints the demo logins per role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--patents",
            type=int,
            default=DEFAULT_PATENTS,
            help=f"synthetic patents to generate (default {DEFAULT_PATENTS}; 0 for none)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        parts.load(stdout=self.stdout, options=options)
        self.stdout.write("")
        self.stdout.write("=" * 72)
        self.stdout.write(
            "DEMO DATA loaded (marked 演示 / demo). Log in at http://127.0.0.1:8000/accounts/login/"
        )
        self.stdout.write(f"Every demo account's password: {DEMO_PASSWORD}")
        for role, username, who in demo_logins():
            self.stdout.write(f"  {role:<12} {username:<22} {who}")
        self.stdout.write("=" * 72)
