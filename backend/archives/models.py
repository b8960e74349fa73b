"""A hospital's technical archive of its physicians (tenant schema).

Points at public rows (physician, department) without database constraints: a real foreign key from every
tenant schema would put triggers per schema on the public tables and lock them at every provisioning.
"""

from django.db import models

from core.models import BaseModel


class TechnicalArchive(BaseModel):
    physician = models.ForeignKey(
        "physicians.Physician", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    department = models.ForeignKey(
        "organizations.Department",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    employee_number = models.CharField(max_length=32, blank=True)
    title = models.CharField(max_length=32, blank=True)
    joined_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["physician"], name="archive_one_per_physician")]


class ArchiveEntry(BaseModel):
    """One line of a physician's record in this hospital (a grant, a training, a sanction ...)."""

    archive = models.ForeignKey(TechnicalArchive, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=32)
    summary = models.CharField(max_length=255)
    occurred_on = models.DateField()
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_on", "-created_at"]
