"""Background work of the residents app: large spreadsheet imports."""

from django_tasks import task

from .importer import run_queued


@task()
def run_import_job(job_id: int) -> None:
    """Import a queued upload (queued by `services.residents_import_or_queue`)."""
    run_queued(job_id)
