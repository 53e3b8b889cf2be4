"""Background jobs of the patent registry. Tasks take ids and are idempotent (STYLE rule 7)."""

from celery import shared_task

from .services import import_job_run


@shared_task(name="ipcity.patents.tasks.run_import_job")
def run_import_job(job_id: int) -> str:
    return str(import_job_run(job_id=job_id).status)
