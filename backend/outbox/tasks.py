from outbox.services import outbox_drain
from tenants.celery import public_task


@public_task()
def outbox_drain_task() -> int:
    return outbox_drain()
