"""Long work (imports, exports, certificate batches) run by Celery, with progress and a downloadable result."""

from django.db import models

from core.models import BaseModel


class JobStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    SUCCEEDED = "succeeded", "已完成"
    FAILED = "failed", "失败"


class Job(BaseModel):
    kind = models.CharField(max_length=64, db_index=True)  # e.g. "physicians.import"
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    organization_id = models.UUIDField(null=True, blank=True)
    params = models.JSONField(default=dict, blank=True)
    input_key = models.CharField(max_length=255, blank=True)
    input_name = models.CharField(max_length=255, blank=True)
    result_key = models.CharField(max_length=255, blank=True)
    result_name = models.CharField(max_length=255, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    errors = models.JSONField(
        default=list, blank=True
    )  # [{"row": 3, "attr": "id_card", "code": ..., "detail": ...}]
    summary = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_by", "-created_at"])]

    def __str__(self):
        return f"{self.kind} {self.status}"
