"""Celery entry points of the statistics (public schema)."""

from assessment_stats import services
from tenants.celery import public_task


@public_task()
def rollup_check_task() -> dict:
    """Nightly: compare each published cycle's progress rollup with a fresh GROUP BY; rebuild on drift."""
    return services.rollup_check(repair=True)
