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


class ArchiveCertificate(BaseModel):
    """A certificate in the physician's archive (证件信息: qualification, licence, title, training ...); the file
    is a checked upload on object storage (core.storage.store_document)."""

    archive = models.ForeignKey(TechnicalArchive, on_delete=models.CASCADE, related_name="certificates")
    name = models.CharField(max_length=64)
    number = models.CharField(max_length=64, blank=True)
    issued_on = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    object_key = models.CharField(max_length=255, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["name", "-created_at"]


class CareerEntry(BaseModel):
    """Work or training history (工作/培训经历), kept by the physician or the hospital."""

    archive = models.ForeignKey(TechnicalArchive, on_delete=models.CASCADE, related_name="career")
    kind = models.CharField(max_length=16)  # work, training
    organization_name = models.CharField(max_length=128)
    role = models.CharField(max_length=64, blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    description = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-starts_on"]


class WorkloadFigure(BaseModel):
    """Monthly workload of a physician imported from the HIS (出院患者数、手术数量、住院总费用)."""

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
    period = models.CharField(max_length=7)  # YYYY-MM
    discharges = models.PositiveIntegerField(default=0)
    operations = models.PositiveIntegerField(default=0)
    inpatient_cost = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    class Meta:
        ordering = ["-period"]
        constraints = [models.UniqueConstraint(fields=["physician", "period"], name="workload_one_per_month")]
