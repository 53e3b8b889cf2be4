"""Reporting moved out of the plan app (ADR 0025): what was stored or published under the plan's name keeps it."""

from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType

from ipcity.core.models import AuditEntry
from ipcity.plan import hooks
from ipcity.reporting import selectors
from ipcity.reporting import services as svc
from ipcity.reporting.models import ProgressReport
from ipcity.reporting.tasks import send_report_reminders

from .test_report_fixtures import Mini, build_mini


@pytest.fixture
def mini(db: Any) -> Mini:
    return build_mini()


def test_report_audit_entries_keep_the_object_type_of_the_chain(mini: Mini) -> None:
    report = svc.report_create(actor=mini.justice_user, task=mini.t1, period=mini.q1, narrative="进展")
    entry = AuditEntry.objects.get(action="progress_report.create", object_id=str(report.pk))
    assert entry.object_type == "plan.progressreport"


def test_the_tables_and_names_the_plan_app_gave_them(db: Any) -> None:
    assert ProgressReport._meta.db_table == "plan_progressreport"
    assert ProgressReport._meta.app_label == "reporting"
    assert ContentType.objects.get_for_model(ProgressReport).app_label == "reporting"
    assert send_report_reminders.name == "ipcity.plan.tasks.send_report_reminders"


def test_the_plan_shows_published_reports_through_its_hook() -> None:
    assert selectors.public_reports in hooks._public_reports
    hooks.register_public_reports(selectors.public_reports)  # registering twice adds nothing
    assert hooks._public_reports.count(selectors.public_reports) == 1


def test_openapi_operation_ids_are_the_ones_of_plan_report_api(client: Any) -> None:
    document = client.get("/api/openapi.json").json()
    submit = document["paths"]["/api/plan/reports/{report_id}/submit"]["post"]
    assert submit["operationId"] == "ipcity_plan_report_api_submit_report"
