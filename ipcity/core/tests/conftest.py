from collections.abc import Iterator

import pytest
from django.db import models

from ipcity.core import audit_actions
from ipcity.orgs.tests.fixtures import entity, make_user, orgs, other_entity, users  # noqa: F401


class ThingAction(models.TextChoices):
    """A test-only audit action for tests of the chain itself (not a product action: no translation)."""

    CREATE = "thing.create", "Thing created"


@pytest.fixture
def thing_action() -> Iterator[type[ThingAction]]:
    """Registers "thing.create" for the duration of one test."""
    audit_actions.register(ThingAction)
    yield ThingAction
    audit_actions.unregister(ThingAction)
