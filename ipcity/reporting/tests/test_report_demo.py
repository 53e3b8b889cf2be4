import io

from ipcity.reporting import demo as report_demo
from ipcity.reporting.models import ProgressReport


def test_demo_reports_in_every_state_and_idempotent(plan):
    from ipcity.accounts import demo as accounts_demo
    from ipcity.orgs import demo as orgs_demo

    out = io.StringIO()
    orgs_demo.load(stdout=out, options={})
    accounts_demo.load(stdout=out, options={})
    report_demo.load(stdout=out, options={})
    reports = ProgressReport.objects.all()
    assert reports.count() == len(report_demo.DEMO_REPORTS)
    assert set(reports.values_list("status", flat=True)) == {"draft", "submitted", "returned", "accepted"}
    assert all(r.narrative.startswith(report_demo.DEMO_MARK) for r in reports)
    assert reports.filter(is_late=True).count() == 1 and reports.filter(is_public=True).count() == 1
    task = plan.tasks.get(code="1.1.1")
    assert (task.status, task.percent_complete) == ("on_track", 85)
    report_demo.load(stdout=out, options={})
    assert ProgressReport.objects.count() == len(report_demo.DEMO_REPORTS)
