"""Scheduled audit work (Celery beat in production; cron in the embedded default, docs/operations.md)."""

import datetime as dt
import logging
from typing import Any

from celery import shared_task
from django.utils import timezone

from .audit import DigestRefused, audit_digest_publish, verify_all

logger = logging.getLogger("ipcity.audit")


@shared_task
def audit_daily() -> dict[str, Any]:
    """Publish yesterday's signed digest, then verify the chain, the digests and the ledgers. Every
    problem is logged at ERROR (alert on it). Idempotent: a digest already published is kept."""
    day = timezone.localdate() - dt.timedelta(days=1)
    published = True
    try:
        audit_digest_publish(actor="task:audit_daily", day=day)
    except DigestRefused as exc:
        published = False
        logger.error("audit digest of %s not published: %s", day, exc)
    problems = verify_all()
    for problem in problems:
        logger.error("audit verify: %s", problem)
    return {"day": day.isoformat(), "digest_published": published, "problems": len(problems)}
