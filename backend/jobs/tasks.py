from jobs.services import job_run_now
from tenants.celery import public_task


@public_task()
def job_run(job_id: str) -> str:
    return job_run_now(job_id).status
