"""Progress statistics of the periodic assessment (进度管理, 考核统计), public schema.

ProgressRollup is a maintained rollup of the enrolment table: one row per bucket (cycle, where, who,
procedure, status, result, make-up) with the number of enrolments in it; ProgressRegionRollup the same without
the institution, department, body and title, for commissions' tables by region. Database triggers on the
enrolment table (migrations 0002, 0003) keep both in step in the statement of every change, whichever code
makes it; `rollup_rebuild` recomputes a cycle from the enrolments with one GROUP BY, and a nightly check
compares both. Province figures read these tables, never the enrolments one by one and never a tenant schema.
"""

from django.db import models


class Makeup(models.TextChoices):
    """Where an enrolment stands with the make-up exam, for the make-up statistics (补考考核结果统计)."""

    NONE = "", "未进入补考"
    LISTED = "listed", "进入补考名单"  # failed; make-up not (yet) allowed, or refused
    SAT = "sat", "参加补考"  # allowed to sit the make-up


class ProgressRollup(models.Model):
    cycle = models.ForeignKey("assessment.Cycle", on_delete=models.CASCADE, related_name="+")
    # Copies of the enrolment's columns (no foreign keys: derived data, rebuilt at will).
    organization_id = models.UUIDField()
    region_path = models.CharField(max_length=128)
    department_id = models.UUIDField(null=True, blank=True)
    assessment_body_id = models.UUIDField(null=True, blank=True)
    title = models.CharField(max_length=32, blank=True)
    procedure = models.CharField(max_length=16, blank=True)
    status = models.CharField(max_length=24)
    result_level = models.CharField(max_length=16, blank=True)
    makeup = models.CharField(max_length=8, choices=Makeup.choices, blank=True)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "cycle",
                    "organization_id",
                    "department_id",
                    "region_path",
                    "assessment_body_id",
                    "title",
                    "procedure",
                    "status",
                    "result_level",
                    "makeup",
                ],
                name="progress_rollup_bucket",
                nulls_distinct=False,
            )
        ]
        indexes = [
            models.Index(
                fields=["cycle", "region_path"],
                name="progress_rollup_region",
                opclasses=["", "varchar_pattern_ops"],
            ),
            models.Index(fields=["cycle", "assessment_body_id"], name="progress_rollup_body"),
        ]

    def __str__(self):
        return f"{self.cycle_id} {self.organization_id} {self.status} {self.count}"


class ProgressRegionRollup(models.Model):
    """The same counts without the institution, department, body and title: one row per (region, procedure,
    status, result, make-up), a few thousand per cycle for a whole province (ProgressRollup has nearly one
    row per enrolment at that size). Commission tables by region or procedure read this one. Kept by the same
    triggers, rebuilt with ProgressRollup."""

    cycle = models.ForeignKey("assessment.Cycle", on_delete=models.CASCADE, related_name="+")
    region_path = models.CharField(max_length=128)
    procedure = models.CharField(max_length=16, blank=True)
    status = models.CharField(max_length=24)
    result_level = models.CharField(max_length=16, blank=True)
    makeup = models.CharField(max_length=8, choices=Makeup.choices, blank=True)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "region_path", "procedure", "status", "result_level", "makeup"],
                name="progress_region_rollup_bucket",
            )
        ]
        indexes = [
            models.Index(
                fields=["cycle", "region_path"],
                name="progress_region_rollup_path",
                opclasses=["", "varchar_pattern_ops"],
            )
        ]

    def __str__(self):
        return f"{self.cycle_id} {self.region_path} {self.status} {self.count}"
