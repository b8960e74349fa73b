from tenants.celery import public_task
from tenants.integrity import dangling_references


@public_task()
def dangling_references_check() -> dict:
    """Nightly: report tenant rows pointing at public rows that do not exist (never expected: people and
    organisations are deactivated, not deleted)."""
    return dangling_references()
