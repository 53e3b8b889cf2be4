"""Background jobs of the plan app. Tasks take plain values and are idempotent (STYLE rule 7)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ipcity.accounts.choices import Role
from ipcity.core.mail import site_url
from ipcity.plan.models import Plan, Task

from .choices import ReminderKind
from .models import ReportingPeriod, ReportReminder
from .services import report_reminder_record
from .supervision import missing_by_department

# Days before the due date the reminder goes out; how long after the due date overdue notices are still sent
# (older periods are left to the supervision board, so a first run does not mail about the whole past plan).
REMINDER_DAYS_BEFORE = 5
OVERDUE_WINDOW_DAYS = 30


def _settings_int(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _body(kind: str, period: ReportingPeriod, department: Any, tasks: list[Task]) -> tuple[str, str]:
    """Subject and body in Chinese, then English (the mail goes to a department, not one reader)."""
    parts_subject, parts_body = [], []
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            if kind == ReminderKind.REMINDER:
                subject = _("Progress reports for %(period)s are due on %(due)s")
                intro = _(
                    "%(department)s has not yet submitted progress reports for %(period)s on these tasks. "
                    "Reports are due on %(due)s."
                )
            else:
                subject = _("Overdue: progress reports for %(period)s (due %(due)s)")
                intro = _(
                    "The due date %(due)s has passed and %(department)s has not submitted progress reports "
                    "for %(period)s on these tasks."
                )
            values = {
                "period": period.label,  # in the language of this part
                "due": period.due_date.isoformat(),
                "department": department.name,
            }
            parts_subject.append(subject % values)
            lines = [intro % values, ""]
            lines += [f"  {t.code} {t.text[:60]}" for t in tasks]
            lines += [
                "",
                _("Write and submit them at %(url)s")
                % {"url": f"{site_url()}/plan/reports/?period={period.code}"},
            ]
            parts_body.append("\n".join(lines))
    return " / ".join(parts_subject), "\n\n----\n\n".join(parts_body)


def send_reminders(*, today: dt.date | None = None) -> list[ReportReminder]:
    """Send due reminders and overdue notices; each (period, department, kind) at most once."""
    from ipcity.accounts.models import User
    from ipcity.orgs.models import Department

    today = today or timezone.localdate()
    before = _settings_int("PLAN_REMINDER_DAYS_BEFORE", REMINDER_DAYS_BEFORE)
    window = _settings_int("PLAN_OVERDUE_WINDOW_DAYS", OVERDUE_WINDOW_DAYS)
    sent: list[ReportReminder] = []
    periods = ReportingPeriod.objects.filter(
        plan__in=Plan.objects.all(),
        due_date__gte=today - dt.timedelta(days=window),
        due_date__lte=today + dt.timedelta(days=before),
        end__lt=today,
    ).select_related("plan")
    for period in periods:
        kind = ReminderKind.REMINDER if today <= period.due_date else ReminderKind.OVERDUE
        already = set(
            ReportReminder.objects.filter(period=period, kind=kind).values_list("department_id", flat=True)
        )
        for dept_id, tasks in missing_by_department(period=period).items():
            if dept_id in already:
                continue
            department = Department.objects.get(pk=dept_id)
            recipients = sorted(
                User.objects.filter(
                    department_id=dept_id, is_active=True, role__in=[Role.DEPARTMENT, Role.PLAN_OFFICE]
                )
                .exclude(email="")
                .values_list("email", flat=True)
            )
            if not recipients:
                continue
            try:
                with transaction.atomic():
                    reminder = report_reminder_record(
                        actor="reminders",
                        period=period,
                        department_id=dept_id,
                        kind=kind,
                        recipients=recipients,
                        task_codes=[t.code for t in tasks],
                    )
                    subject, body = _body(kind, period, department, tasks)
                    # Sent inside the transaction: if sending fails the record is rolled back and the
                    # next run tries again; a crash after sending but before commit may repeat one mail.
                    send_mail(subject, body, None, recipients)
            except (IntegrityError, ValidationError):
                continue  # another run recorded it first
            sent.append(reminder)
    return sent


@shared_task(name="ipcity.plan.tasks.send_report_reminders")
def send_report_reminders(today: str | None = None) -> int:
    """Celery beat entry point (daily). `today` as ISO date for reruns/tests."""
    day = dt.date.fromisoformat(today) if today else None
    return len(send_reminders(today=day))
