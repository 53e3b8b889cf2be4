import io
from typing import Any

import pytest

from ipcity.demo import orgs as demo
from ipcity.orgs.models import Certification, Entity

pytestmark = pytest.mark.django_db


def test_demo_is_marked_and_idempotent(orgs: Any) -> None:
    demo.load(stdout=io.StringIO(), options={})
    demo.load(stdout=io.StringIO(), options={})
    assert Entity.objects.count() == len(demo.DEMO_ENTITIES)
    assert all(e.is_demo and "演示" in e.name for e in Entity.objects.all())
    assert Certification.objects.count() == len(demo.DEMO_CERTIFICATIONS)
    assert all("演示" in c.source for c in Certification.objects.all())
