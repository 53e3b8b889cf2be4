"""Celery app. In the embedded default tasks run eagerly (CELERY_TASK_ALWAYS_EAGER); production uses Redis."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("ipcity")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
