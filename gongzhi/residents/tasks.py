"""Background work of the residents app: large spreadsheet imports."""

from django_tasks import task


@task()
def run_import_job(job_id: int) -> None:
    """Import a queued upload (see `importer.queue_import`)."""
    from .importer import run_queued

    run_queued(job_id)
