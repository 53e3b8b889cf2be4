"""A department reports on a task in a real browser; the lead unit accepts it; the public sees it.
Also saves the screenshots of the report form and the supervision board used in the README."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from ipcity.core.sample_files import minimal_pdf
from ipcity.reporting import services as svc
from ipcity.reporting.models import ProgressReport

# Tests must not rewrite tracked files: screenshots go to var/ unless IPCITY_SCREENSHOT_DIR=docs/screenshots.
SCREENSHOTS = Path(os.environ.get("IPCITY_SCREENSHOT_DIR", settings.VAR_DIR / "screenshots"))
PASSWORD = "Passw0rd-test"


def log_in(page, user, next_url):
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(f"**{next_url}")


def log_out(page):
    page.click("#user-menu")
    page.click("#logout-button")
    page.wait_for_load_state()


@pytest.mark.browser
def test_department_submits_lead_accepts(
    transactional_db, plan, make_user, page, live_server, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    svc.periods_generate(actor="test", plan=plan)
    justice = make_user("department", department="市司法局", username="justice_browser")
    office = make_user("plan_office", department="市市场监管局", username="office_browser")

    # The public plan page lists the task.
    page.goto("/plan/")
    assert "1.1.1" in page.content()

    log_in(page, justice, "/plan/reports/?period=2024Q4")
    row = page.locator('#my-tasks tr[data-task="1.1.1"]')
    row.get_by_role("link").first.click()
    page.wait_for_selector("#report-form")
    page.select_option("#id_progress", "on_track")
    page.fill("#id_percent_complete", "65")
    page.fill("#id_narrative", "指导调解组织受理知识产权纠纷36件，开展法律援助。")
    page.fill("#id_figures", "调解案件 = 36 件\n法律援助 = 12 件")
    evidence = tmp_path / "证明材料.pdf"
    evidence.write_bytes(minimal_pdf("demo evidence"))
    page.set_input_files("#id_evidence", str(evidence))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "report-form.png"), full_page=True)
    page.click("#submit-report")
    page.wait_for_selector('#report-status [data-status="submitted"]')
    assert "证明材料.pdf" in page.content()
    log_out(page)

    log_in(page, office, "/plan/reports/?period=2024Q4")
    page.locator("#review-queue").get_by_role("link").first.click()
    page.check("#make_public")
    page.click("#accept-report")
    page.wait_for_selector('#report-status [data-status="accepted"]')
    assert page.locator("#history li").count() == 3  # draft → submitted → accepted
    report = ProgressReport.objects.get(task__code="1.1.1", department__name="市司法局")
    assert report.status == "accepted" and report.is_public

    # The supervision board shows the accepted report; screenshot for the README.
    page.goto("/plan/supervision/?period=2024Q4")
    page.wait_for_selector("#counts")
    page.screenshot(path=str(SCREENSHOTS / "supervision-board.png"), full_page=False)
    page.goto("/plan/supervision/?period=2024Q4&view=matrix")
    assert page.locator('#matrix td[data-state="accepted"]').count() == 1
    page.screenshot(path=str(SCREENSHOTS / "supervision-matrix.png"), full_page=False)
    log_out(page)

    # Anyone can read the accepted public report on the task page.
    page.goto("/plan/tasks/1.1.1/")
    assert "指导调解组织受理知识产权纠纷" in page.content()
