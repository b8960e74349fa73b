"""The audit log: append-only (a database trigger refuses UPDATE and DELETE)."""

import uuid

from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=64, db_index=True)  # e.g. "auth.login_failed", "tenant.provisioned"
    actor_id = models.UUIDField(null=True, blank=True, db_index=True)
    actor_name = models.CharField(max_length=64, blank=True)
    organization_id = models.UUIDField(null=True, blank=True, db_index=True)
    region_path = models.CharField(max_length=128, blank=True, db_index=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    schema_name = models.CharField(max_length=63, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            # A commission's audit query is a prefix match on region_path.
            models.Index(
                fields=["region_path"], name="audit_region_path_prefix", opclasses=["varchar_pattern_ops"]
            )
        ]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.action}"
