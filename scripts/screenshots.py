"""Screenshots for the README: drives Debian's chromium through Playwright against a running server.

make run   # in another terminal (or any server with the demo data loaded)
.venv/bin/python scripts/screenshots.py [--base http://127.0.0.1:8000]
"""

import argparse
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
PASSWORD = "Demo2024-ipcity"  # noqa: S105 - the published demo password (ipcity/demo/accounts.py)

PUBLIC = [
    ("home", "/"),
    ("plan", "/plan/"),
    ("indicators", "/plan/indicators/"),
    ("incentives", "/incentives/"),
    ("patents-kpi", "/patents/kpi/"),
    ("announcements", "/grants/announcements/"),
]
BY_ROLE = [
    ("plan_office", "supervision-board", "/plan/supervision/"),
    ("dept_justice", "reports", "/plan/reports/"),
    ("plan_office", "grants-plan-office", "/grants/"),
    ("auditor", "audit", "/audit/"),
]


def login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_load_state("networkidle")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        for lang in ("zh-hans", "en"):
            context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
            context.add_cookies([{"name": "django_language", "value": lang, "url": args.base}])
            page = context.new_page()
            for name, path in PUBLIC if lang == "zh-hans" else PUBLIC[:2]:
                page.goto(args.base + path)
                page.screenshot(path=str(OUT / f"{name}-{lang}.png"), full_page=False)
            context.close()
        for username, name, path in BY_ROLE:
            context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
            page = context.new_page()
            login(page, args.base, username)
            page.goto(args.base + path)
            page.screenshot(path=str(OUT / f"{name}.png"), full_page=False)
            context.close()
        # A department's report form: the first task it must report on (new or in draft).
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        page = context.new_page()
        login(page, args.base, "dept_justice")
        page.goto(args.base + "/plan/reports/")
        page.locator("a[href*='/reports/new/'], a[href$='/edit/']").first.click()
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(OUT / "report-form.png"), full_page=False)
        context.close()
        # An applicant's application form for the first scheme of the open demo call.
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        page = context.new_page()
        login(page, args.base, "applicant_hairun")
        page.goto(args.base + "/grants/calls/")
        page.click("a[href^='/grants/calls/'][href$='/']:not([href='/grants/calls/']):not([href$='/new/'])")
        page.wait_for_load_state("networkidle")
        apply_link = page.locator("a[href*='/apply/']").first
        if apply_link.count():
            apply_link.click()
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(OUT / "grants-apply.png"), full_page=False)
        else:
            print("no open scheme to apply for: grants-apply.png not refreshed")
        context.close()
        browser.close()
    print(f"screenshots written to {OUT}")


if __name__ == "__main__":
    main()
