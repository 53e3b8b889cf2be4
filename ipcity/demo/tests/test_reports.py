import io

from ipcity.demo import accounts as accounts_demo
from ipcity.demo import orgs as orgs_demo
from ipcity.demo import reports as report_demo
from ipcity.demo import reports as reports_demo
from ipcity.reporting.models import ProgressReport


def test_demo_reports_in_every_state_and_idempotent(plan):
    out = io.StringIO()
    orgs_demo.load(stdout=out, options={})
    accounts_demo.load(stdout=out, options={})
    reports_demo.load(stdout=out, options={})
    reports = ProgressReport.objects.all()
    assert reports.count() == len(report_demo.DEMO_REPORTS)
    assert set(reports.values_list("status", flat=True)) == {"draft", "submitted", "returned", "accepted"}
    assert all(r.narrative.startswith(report_demo.DEMO_MARK) for r in reports)
    assert reports.filter(is_late=True).count() == 1 and reports.filter(is_public=True).count() == 1
    task = plan.tasks.get(code="1.1.1")
    assert (task.status, task.percent_complete) == ("on_track", 85)
    reports_demo.load(stdout=out, options={})
    assert ProgressReport.objects.count() == len(report_demo.DEMO_REPORTS)
