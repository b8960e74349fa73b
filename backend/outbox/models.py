"""Events that cross the public/tenant boundary, written in the transaction of the change and drained by
Celery (outbox.tasks.outbox_drain). `schema_name` says where the consumer must run."""

from django.db import models

from core.models import BaseModel


class OutboxMessage(BaseModel):
    topic = models.CharField(max_length=64, db_index=True)  # e.g. "assessment.failed"
    schema_name = models.CharField(max_length=63)  # where the handler runs ("public" or a tenant schema)
    payload = models.JSONField(default=dict)
    available_at = models.DateTimeField(db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    processed_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["processed_at", "available_at"])]
