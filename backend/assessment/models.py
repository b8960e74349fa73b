"""The periodic assessment of physicians (医师定期考核), public schema.

A Cycle has versioned CycleSettings: the version in force is `cycle.settings`; changing settings mid-cycle
makes a new version and leaves the old one readable. Every decision keeps the version it was taken under
(an enrolment the one it was enrolled under, a score and a result the one they were computed under).

An Enrolment is one physician in one cycle; its `status` moves only through assessment/workflow.py, with the
history in EnrolmentHistory. What the physician fills in is the SelfReport; the department head's rating is a
DepartmentRating; scored components are ScoreEntry rows (the exam engine records the competence test through
assessment.services); a pass gives a Certificate.
"""

from django.db import models

from assessment.enums import (
    Component,
    CycleStatus,
    EnrolmentStatus,
    Procedure,
    RatingLevel,
    ResultLevel,
)
from core.models import BaseModel
from core.workflow import StateHistory


class Cycle(BaseModel):
    code = models.CharField(max_length=16, unique=True)  # "2024-2026"
    name = models.CharField(max_length=64)  # 2024—2026年度医师定期考核
    starts_on = models.DateField()
    ends_on = models.DateField()
    status = models.CharField(max_length=16, choices=CycleStatus.choices, default=CycleStatus.DRAFT)
    # The settings version in force (None while the first version is being written).
    settings = models.ForeignKey(
        "CycleSettings", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            # One cycle in progress at a time (services.cycles checks it first with a clear error).
            models.UniqueConstraint(
                fields=["status"], condition=models.Q(status="active"), name="cycle_one_active"
            )
        ]

    def __str__(self):
        return self.name


class CycleSettings(BaseModel):
    """One version of a cycle's settings and content. Never edited once in force: a change is a new version.

    phases:          {"self_report": {"opens": "2025-03-01", "closes": "2025-04-30"}, ...} (enums.Phase)
    components:      [{"component": "competence_test", "weight": 60, "procedures": ["general"]}, ...]
    result_levels:   {"excellent": 90, "pass": 60}: the lowest total of each level; below pass is a fail
    simplified_rules: who may choose the simplified procedure, e.g. {"min_practice_years": 15,
                     "max_adverse_records": 0, "titles": ["主任医师", "副主任医师"]}
    exemption_rules: {"reasons": ["..."], "attachment_required": true}
    forms:           the self-report forms and their fields shown to the physician
    """

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    phases = models.JSONField(default=dict)
    department_rating = models.BooleanField(default=True)  # 科室评定 before the institution's review
    body_review = models.BooleanField(default=True)  # 考核机构复核
    components = models.JSONField(default=list)
    result_levels = models.JSONField(default=dict)
    simplified_rules = models.JSONField(default=dict)
    exemption_rules = models.JSONField(default=dict)
    forms = models.JSONField(default=dict)
    exam_blueprint_id = models.UUIDField(null=True, blank=True)  # the exam engine's blueprint for the test
    publicity_days = models.PositiveSmallIntegerField(default=7)  # 公示期
    makeup_allowed = models.BooleanField(default=True)
    note = models.CharField(max_length=255, blank=True)  # why this version was made
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["cycle", "-version"]
        constraints = [models.UniqueConstraint(fields=["cycle", "version"], name="cycle_settings_version")]

    def __str__(self):
        return f"{self.cycle_id} v{self.version}"


class Enrolment(BaseModel):
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="enrolments")
    settings = models.ForeignKey(CycleSettings, on_delete=models.PROTECT, related_name="+")
    physician = models.ForeignKey("physicians.Physician", on_delete=models.PROTECT, related_name="enrolments")
    # Where the physician was when enrolled (a later transfer does not move a cycle's work).
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="enrolments"
    )
    region_path = models.CharField(max_length=128)
    department = models.ForeignKey(
        "organizations.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(max_length=32, blank=True)  # the physician's title then, for statistics
    # The assessment body that re-reviews (from the assignments when enrolled; None: the commission's own).
    assessment_body = models.ForeignKey(
        "organizations.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    procedure = models.CharField(max_length=16, choices=Procedure.choices, blank=True)
    status = models.CharField(
        max_length=24, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ENROLLED
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The result, computed under `result_settings` (a version of this cycle's settings).
    total_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    result_level = models.CharField(max_length=16, choices=ResultLevel.choices, blank=True)
    result_settings = models.ForeignKey(
        CycleSettings, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    publicity_ends_on = models.DateField(null=True, blank=True)
    finalized_at = models.DateTimeField(null=True, blank=True)
    enrolled_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "physician"], name="enrolment_once_per_cycle")
        ]
        indexes = [
            models.Index(
                fields=["cycle", "region_path", "status"],
                name="enrolment_region_status",
                opclasses=["", "varchar_pattern_ops", ""],
            ),
            models.Index(fields=["cycle", "organization", "status"], name="enrolment_org_status"),
            models.Index(fields=["cycle", "assessment_body", "status"], name="enrolment_body_status"),
        ]

    def __str__(self):
        return f"{self.cycle_id} {self.physician_id}"


class EnrolmentHistory(StateHistory):
    subject = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="history")


class SelfReport(BaseModel):
    """What the physician fills in (填报信息): one JSON object per form (basic, practice, experience,
    work_performance, ethics), the procedure chosen and, for an exemption, the reason. Saved as a draft
    any number of times; `submitted_forms` keeps what was submitted last."""

    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="self_report")
    forms = models.JSONField(default=dict)
    procedure = models.CharField(max_length=16, choices=Procedure.choices, blank=True)
    exemption_reason = models.CharField(max_length=255, blank=True)
    submitted_forms = models.JSONField(default=dict)


class AttachmentPurpose(models.TextChoices):
    EXEMPTION = "exemption", "免考证明材料"
    SKILLS = "skills", "技能操作评审材料"
    CASE_REVIEW = "case_review", "病历评审材料"
    OTHER = "other", "其他"


class EnrolmentAttachment(BaseModel):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="attachments")
    purpose = models.CharField(max_length=16, choices=AttachmentPurpose.choices)
    object_key = models.CharField(max_length=255, unique=True)
    file_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at"]


class DepartmentRating(BaseModel):
    """The department head's rating of work performance and professional ethics (科室评定)."""

    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="department_rating")
    work_performance = models.CharField(max_length=16, choices=RatingLevel.choices)
    ethics = models.CharField(max_length=16, choices=RatingLevel.choices)
    comment = models.TextField(blank=True)
    rated_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")


class Sitting(models.TextChoices):
    MAIN = "main", "正考"
    MAKEUP = "makeup", "补考"


class ScoreEntry(BaseModel):
    """One scored component of one sitting: the competence test recorded by the exam engine, skills and
    case-record review entered by expert reviewers (with attachments). Confirmed by the assessment body."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="scores")
    component = models.CharField(max_length=24, choices=Component.choices)
    sitting = models.CharField(max_length=8, choices=Sitting.choices, default=Sitting.MAIN)
    score = models.DecimalField(max_digits=5, decimal_places=2)
    settings = models.ForeignKey(CycleSettings, on_delete=models.PROTECT, related_name="+")
    exam_attempt_id = models.UUIDField(null=True, blank=True)  # when recorded by the exam engine
    passed = models.BooleanField(
        null=True, blank=True
    )  # the competence test's own verdict (a failed test fails)
    entered_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["enrolment", "component"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "component", "sitting"], name="score_once_per_sitting"
            ),
            # The exam engine may report an attempt more than once: one row per attempt.
            models.UniqueConstraint(
                fields=["exam_attempt_id"],
                condition=models.Q(exam_attempt_id__isnull=False),
                name="score_once_per_attempt",
            ),
        ]


class AdverseRecord(BaseModel):
    """A physician's adverse record (不良记录), imported by the province; it counts in the eligibility rules.
    Matched to the registry by ID-card hash at import; kept even when no physician matched yet."""

    physician = models.ForeignKey(
        "physicians.Physician",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adverse_records",
    )
    id_card_hash = models.CharField(max_length=64, db_index=True)
    id_card_last4 = models.CharField(max_length=4, blank=True)  # for the masked display
    name = models.CharField(max_length=64)
    licence_number = models.CharField(max_length=32, blank=True)  # as imported
    organization = models.ForeignKey(
        "organizations.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region_path = models.CharField(max_length=128, db_index=True)
    kind = models.CharField(max_length=64)  # 行政处罚, 医疗事故, 不良执业行为记分 ...
    occurred_on = models.DateField()
    description = models.TextField(blank=True)
    source = models.CharField(max_length=128, blank=True)  # the deciding authority or document number
    imported_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-occurred_on"]


class Certificate(BaseModel):
    """A pass certificate. `serial` is printed; `token` (unguessable) is in the QR code and opens the public
    verification page. One per enrolment, whatever the number of batches that try to make it."""

    enrolment = models.OneToOneField(Enrolment, on_delete=models.PROTECT, related_name="certificate")
    serial = models.CharField(max_length=32, unique=True)
    token = models.CharField(max_length=64, unique=True)
    issued_at = models.DateTimeField()
    pdf_key = models.CharField(max_length=255, blank=True)  # on object storage, once rendered
    revoked_at = models.DateTimeField(null=True, blank=True)
