from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from ipcity.accounts.services import user_register
from ipcity.orgs import selectors

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["plan_office", "admin", "auditor", "department", "finance"])
def test_staff_roles_see_every_entity(users: Any, other_entity: Any, role: str) -> None:
    assert selectors.entity_list(user=users[role]).count() == 2


def test_applicant_sees_only_own(users: Any, entity: Any, other_entity: Any) -> None:
    assert list(selectors.entity_list(user=users["applicant"])) == [entity]
    assert selectors.entity_get(user=users["applicant"], pk=other_entity.pk) is None


def test_pending_applicant_and_anonymous_see_nothing(entity: Any) -> None:
    pending = user_register(
        username="pend", password="Yantai2024-ok", email="p@x.cn", display_name="p", uscc=entity.uscc
    )
    assert not selectors.entity_list(user=pending).exists()
    assert not selectors.entity_list(user=AnonymousUser()).exists()


def test_inactive_staff_sees_nothing(users: Any, entity: Any) -> None:
    users["auditor"].is_active = False
    assert not selectors.entity_list(user=users["auditor"]).exists()


def test_certifications_follow_entity_scope(users: Any, entity: Any, other_entity: Any) -> None:
    from ipcity.orgs.models import Certification

    Certification.objects.create(
        entity=other_entity, kind="advantage", level="national", year=2023, source="s"
    )
    assert selectors.certification_list(user=users["applicant"]).count() == 0
    assert selectors.certification_list(user=users["auditor"]).count() == 1


def test_filter_by_certification_counts_each_entity_once(users: Any) -> None:
    from ipcity.orgs.filters import EntityFilter

    from .factories import CertificationFactory, EntityFactory

    certified = EntityFactory()
    CertificationFactory(entity=certified, year=2022)
    CertificationFactory(entity=certified, year=2023)
    EntityFactory.create_batch(3)
    qs = EntityFilter({"certification": "gbt29490"}, queryset=selectors.entity_list(user=users["auditor"])).qs
    assert list(qs) == [certified]
    assert qs[0].certification_count == 2  # type: ignore[attr-defined]


def test_entity_list_is_ordered_by_name_for_stable_pages(users: Any, entity: Any, other_entity: Any) -> None:
    """Regression: the Count annotation dropped Meta.ordering, so paginated pages had no stable order."""
    qs = selectors.entity_list(user=users["plan_office"])
    assert qs.ordered  # False for a GROUP BY query that relies on Meta.ordering
    assert {e.pk for e in qs} == {entity.pk, other_entity.pk}
