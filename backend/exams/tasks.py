"""Celery entry points of the exam engine (public schema)."""

from exams.services.attempts import attempts_submit_due
from tenants.celery import public_task


@public_task()
def attempts_submit_due_task() -> int:
    """Beat, every 15 s: submit the attempts whose deadline has passed with what they have."""
    return attempts_submit_due()
