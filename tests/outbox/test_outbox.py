"""Events cross the public/tenant boundary through the outbox, each handled in the schema it names."""

from django.db import connection

from outbox.models import OutboxMessage
from outbox.services import outbox_drain, outbox_handler, outbox_publish

seen: list[tuple[str, dict]] = []


@outbox_handler("test.ping")
def _ping(payload):
    seen.append((connection.schema_name, payload))


@outbox_handler("test.boom")
def _boom(payload):
    raise ValueError("handler failed")


def test_a_message_is_handled_once_in_the_schema_it_names(world, db):
    seen.clear()
    outbox_publish(topic="test.ping", schema_name="h_hosp_b", payload={"n": 1})

    assert outbox_drain() == 1
    assert outbox_drain() == 0  # already processed

    assert seen == [("h_hosp_b", {"n": 1})]


def test_a_failing_handler_is_retried_later_with_the_error_recorded(world, db):
    message = outbox_publish(topic="test.boom", schema_name="public", payload={})

    assert outbox_drain() == 0

    message.refresh_from_db()
    assert message.processed_at is None
    assert message.attempts == 1
    assert "handler failed" in message.last_error
    assert outbox_drain() == 0  # not due yet: backoff
    assert OutboxMessage.objects.get(pk=message.pk).attempts == 1
