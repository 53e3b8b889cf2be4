"""One application in a real browser, from a new applicant's registration to payment, through every
role; the public announcement page shows it. Saves the screenshots used in docs/grants-guide.md."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from ipcity.accounts.models import User
from ipcity.accounts.services import user_confirm_entity
from ipcity.core.identifiers.uscc import check_character
from ipcity.core.sample_files import minimal_pdf
from ipcity.grants.models import Application

from .conftest import World

# Tests must not rewrite tracked files: screenshots go to var/ unless IPCITY_SCREENSHOT_DIR=docs/screenshots.
SCREENSHOTS = Path(os.environ.get("IPCITY_SCREENSHOT_DIR", settings.VAR_DIR / "screenshots"))
PASSWORD = "Passw0rd-test"


def log_in(page: Any, username: str, password: str, next_url: str) -> None:
    page.context.clear_cookies()
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#login-submit")
    page.wait_for_url(f"**{next_url}")


@pytest.mark.browser
def test_registration_to_payment_through_every_role(
    transactional_db: Any, make_user: Any, page: Any, tmp_path: Any, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    world = World(make_user)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    # 1. A new applicant registers their enterprise.
    prefix = "91370602MA3H00042"
    uscc = prefix + check_character(prefix)
    page.goto("/accounts/register/")
    page.fill("#id_uscc", uscc)
    page.fill("#id_entity_name", "烟台浏览器测试科技有限公司")
    page.select_option("#id_entity_kind", "enterprise")
    page.select_option("#id_district", label="芝罘区")
    page.fill("#id_display_name", "刘洋")
    page.fill("#id_email", "liuyang@example.org")
    page.fill("#id_username", "liuyang_browser")
    page.fill("#id_password", "Reg1ster-Pass!")
    page.fill("#id_password2", "Reg1ster-Pass!")
    page.click("#register-submit")
    page.wait_for_selector("#user-menu")  # signed in as the new applicant
    assert "烟台浏览器测试科技有限公司" in page.inner_text("main")
    # Until the plan office confirms the registration (ADR 0006), the apply page says so instead of a form.
    page.goto(f"/grants/calls/{world.call.pk}/apply/overseas_litigation/")
    assert page.locator("#entity-pending").count() == 1 and page.locator("#application-form").count() == 0
    user_confirm_entity(
        actor=world.plan_office, user=User.objects.get(username="liuyang_browser"), reason="营业执照已核对"
    )

    # 2. They apply: the form is generated from the scheme, the draft shows the provisional amount.
    page.goto(f"/grants/calls/{world.call.pk}/")
    page.click("#apply-overseas_litigation")
    page.fill("#id_subject_ref", "(2024)鲁06民初2024号")
    page.fill("#id_entitlement_date", "2024-06-01")
    page.select_option("#id_fact_outcome", "won")
    page.fill("#id_fact_legal_fees", "300000")
    page.screenshot(path=str(SCREENSHOTS / "grants-apply.png"), full_page=True)
    page.click("#save-draft")
    page.wait_for_selector("#computed-amount")
    assert "150000.00" in page.inner_text("#computed-amount")
    assert "二(一)4" in page.inner_text("#trace")
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "判决书.pdf", "mimeType": "application/pdf", "buffer": minimal_pdf("judgment")}],
    )
    page.click("#upload")
    page.wait_for_selector("text=判决书.pdf")
    page.screenshot(path=str(SCREENSHOTS / "grants-draft.png"), full_page=True)
    page.click("#submit")
    page.wait_for_selector('[data-status="submitted"]')
    app = Application.objects.get(subject_ref="(2024)鲁06民初2024号")
    detail = f"/grants/applications/{app.pk}/"

    # 3. The reviewing department reviews the content.
    log_in(page, world.reviewer.username, PASSWORD, detail)
    page.click("#start-review")
    page.wait_for_selector('[data-status="under_review"]')
    page.click("#approve-content")
    page.wait_for_selector('[data-status="content_approved"]')

    # 4. A different person, at the finance bureau, confirms the amount.
    log_in(page, world.finance.username, PASSWORD, detail)
    page.click("#approve")
    page.wait_for_selector('[data-status="approved"]')
    assert "150000.00" in page.inner_text("#approved-amount")

    # 5. The plan office announces it; the public sees it.
    log_in(page, world.plan_office.username, PASSWORD, detail)
    page.click("#announce")
    page.wait_for_selector('[data-status="announced"]')
    page.context.clear_cookies()
    page.goto("/grants/announcements/")
    row = page.locator(f'#announcements tr[data-id="{app.pk}"]')
    assert "烟台浏览器测试科技有限公司" in row.inner_text()
    assert "150,000.00" in row.inner_text() or "150000.00" in row.inner_text()
    assert "涉外知识产权诉讼胜诉补贴" in row.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "grants-announcements.png"), full_page=True)

    # The announcement period (5 working days) passes without objection.
    today = timezone.localdate()
    Application.objects.filter(pk=app.pk).update(
        announced_from=today - dt.timedelta(days=14), announced_until=today - dt.timedelta(days=7)
    )

    # 6. Finance records the payment.
    log_in(page, world.finance.username, PASSWORD, detail)
    page.fill("#voucher", "PZ-2024-BROWSER-1")
    page.click("#pay")
    page.wait_for_load_state()
    assert page.locator('[data-status="paid"]').count() == 1, page.inner_text("main")[:600]
    assert "PZ-2024-BROWSER-1" in page.inner_text("#payment")

    # 7. The applicant sees the award paid; the public page lists it as paid.
    log_in(page, "liuyang_browser", "Reg1ster-Pass!", "/grants/")
    assert "(2024)鲁06民初2024号" in page.content()
    page.context.clear_cookies()
    page.goto("/grants/announcements/")
    assert 'data-status="paid"' in page.locator(f'#announcements tr[data-id="{app.pk}"]').inner_html()
