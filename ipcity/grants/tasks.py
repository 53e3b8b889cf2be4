"""Mail notifications, enqueued by services with transaction.on_commit (STYLE rule 7).

Tasks take ids and are idempotent enough for mail: a retried task re-reads the current state."""

from __future__ import annotations

from celery import shared_task
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ipcity.core.mail import site_url

from . import engine

SUBJECTS = {
    "submitted": gettext_noop("Application #%(id)s was submitted"),
    "resubmitted": gettext_noop("Application #%(id)s was answered and returns to review"),
    "changes_requested": gettext_noop("Changes were requested on application #%(id)s"),
    "approved": gettext_noop("Application #%(id)s was approved"),
    "rejected": gettext_noop("Application #%(id)s was rejected"),
    "announced": gettext_noop("The award of application #%(id)s is publicly announced"),
    "objection": gettext_noop("An objection was lodged against application #%(id)s"),
    "objection_dismissed": gettext_noop("The objection against application #%(id)s was dismissed"),
    "paid": gettext_noop("The award of application #%(id)s was paid"),
}


def _recipients(application: object, event: str) -> list[str]:
    from ipcity.accounts.models import User

    app = application
    applicants = User.objects.filter(entity_id=app.entity_id, role="applicant", is_active=True)  # type: ignore[attr-defined]
    emails = [u.email for u in applicants if u.email]
    if event in {"submitted", "resubmitted"}:
        reviewers = User.objects.filter(
            role__in=["department", "plan_office"],
            department__in=app.call.reviewing_departments.all(),  # type: ignore[attr-defined]
            is_active=True,
        )
        emails += [u.email for u in reviewers if u.email]
    if event == "objection":
        emails += [u.email for u in User.objects.filter(role="plan_office", is_active=True) if u.email]
    return sorted(set(emails))


@shared_task(name="ipcity.grants.tasks.notify_application")
def notify_application(application_id: int, event: str) -> int:
    from .models import Application

    application = Application.objects.select_related("call", "entity").filter(pk=application_id).first()
    if application is None or event not in SUBJECTS:
        return 0
    recipients = _recipients(application, event)
    if not recipients:
        return 0
    # Chinese, then English: the mail may reach several people (applicant staff, reviewers).
    subjects, bodies = [], []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            subject = _(SUBJECTS[event]) % {"id": application.pk}
            subjects.append(subject)
            bodies.append(
                "\n".join(
                    [
                        subject,
                        f"{application.entity.name} · {engine.scheme_title(application.scheme_id, language)}"
                        f" · {application.get_status_display()}",
                        _("Reason: %(reason)s")
                        % {"reason": application.decision_reason or application.change_request or "-"},
                        f"{site_url()}/grants/applications/{application.pk}/",
                    ]
                )
            )
    return send_mail(" / ".join(subjects), "\n\n----\n\n".join(bodies), None, recipients, fail_silently=False)
