"""Celery entry points of the approvals engine.

Overdue reminders are periodic tenant work: beat runs `approvals_reminders_fanout` in public, which names
every ready tenant schema and queues `approvals_reminders_run` for each, spread over a few minutes so a
thousand hospitals do not hit the database at the same second (docs/decisions/0006).
"""

from django.conf import settings

from approvals import services
from tenants.celery import public_task, tenant_task

FANOUT_SPREAD_SECONDS = 300


@tenant_task()
def approvals_reminders_run() -> int:
    """In one hospital's schema: remind the approvers of overdue steps (once per step per day)."""
    return services.approval_reminders_run()


@public_task()
def approvals_reminders_fanout() -> int:
    """Queue the reminder run of every ready tenant schema; returns how many were queued."""
    from tenants.models import Tenant, TenantStatus

    schemas = list(
        Tenant.objects.filter(status=TenantStatus.READY)
        .order_by("schema_name")
        .values_list("schema_name", flat=True)
    )
    spread = getattr(settings, "APPROVALS_FANOUT_SPREAD_SECONDS", FANOUT_SPREAD_SECONDS)
    for i, schema in enumerate(schemas):
        countdown = (i * spread) // max(len(schemas), 1)
        approvals_reminders_run.apply_async((schema,), countdown=countdown)
    return len(schemas)
