"""The outbox: events that cross the public/tenant boundary.

Write with `outbox_publish` inside the transaction of the change (both land or neither). Consumers register
with `@outbox_handler("topic")`; `outbox_drain` (Celery beat, every few seconds) runs each message in the schema
it names, at least once, retrying with backoff. Handlers must be idempotent.
"""

from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from outbox.models import OutboxMessage

_handlers: dict[str, Callable[[dict], None]] = {}
MAX_ATTEMPTS = 8


def outbox_handler(topic: str):
    def register(fn):
        _handlers[topic] = fn
        return fn

    return register


def outbox_publish(*, topic: str, schema_name: str, payload: dict) -> OutboxMessage:
    with schema_context(get_public_schema_name()):
        return OutboxMessage.objects.create(
            topic=topic, schema_name=schema_name, payload=payload, available_at=timezone.now()
        )


def outbox_drain(*, batch: int = 100) -> int:
    """Process due messages; returns how many succeeded. Safe to run in several workers (SKIP LOCKED)."""
    done = 0
    with schema_context(get_public_schema_name()), transaction.atomic():
        due = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(processed_at__isnull=True, available_at__lte=timezone.now(), attempts__lt=MAX_ATTEMPTS)
            .order_by("available_at")[:batch]
        )
        for message in due:
            handler = _handlers.get(message.topic)
            try:
                if handler is None:
                    raise LookupError(f"no handler for topic {message.topic!r}")
                with transaction.atomic(), schema_context(message.schema_name):
                    handler(message.payload)
            except Exception as exc:  # noqa: BLE001 - recorded on the message and retried with backoff
                message.attempts += 1
                message.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
                message.available_at = timezone.now() + timedelta(seconds=2**message.attempts)
                message.save(update_fields=["attempts", "last_error", "available_at"])
                continue
            message.processed_at = timezone.now()
            message.save(update_fields=["processed_at"])
            done += 1
    return done
