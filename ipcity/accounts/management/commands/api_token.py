"""manage.py api_token USERNAME [--name NAME]: print a new personal API token for an integration."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from ipcity.accounts.models import User
from ipcity.accounts.services import api_token_create

ACTOR = "manage.py api_token"  # how the audit trail names who created the token


class Command(BaseCommand):
    help = (
        "Create a personal API token for USERNAME (e.g. a bank's or the statistics bureau's integration "
        "account) and print it. The token is shown this once; only its SHA-256 is stored. Audited."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="the account the integration acts as")
        parser.add_argument(
            "--name", default="integration", help="what the token is for, shown in the user's token list"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}; nothing was created.")
        try:
            with translation.override("en"):
                _token, raw = api_token_create(actor=ACTOR, user=user, name=options["name"])
        except ValidationError as exc:
            with translation.override("zh-hans"):  # the English msgids, and their Chinese
                both = [f"{message} / {translation.gettext(message)}" for message in exc.messages]
            raise CommandError(f"No token was created for {username!r}: {'; '.join(both)}") from exc
        self.stdout.write(raw)
