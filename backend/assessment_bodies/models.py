"""Assessment bodies: applications, reviews and assignments (public schema).

- An institution or industry organisation applies to be an assessment body (考核机构申请) with attachments on
  object storage; the commission reviews it. Reviewer: the commission of the applicant's city, or the province
  commission (`review_region_path`, see docs/decisions/0007-assessment-bodies.md); county commissions see the
  applications in their region, read-only.
- A city (or the province) commission assigns a body to a county (all institutions there) or to one
  institution (指派考核机构), also a body from outside its own region (跨区域指派, flagged).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel
from core.workflow import StateHistory


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("未通过")
    RETURNED = "returned", _("已退回")
    WITHDRAWN = "withdrawn", _("已撤回")


OPEN_STATUSES = (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.RETURNED)
EDITABLE_STATUSES = (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED)


class AssessmentBodyApplication(BaseModel):
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="assessment_body_applications"
    )
    # Denormalised from the organisation: jurisdiction filters are one indexed prefix match.
    region_path = models.CharField(max_length=128, db_index=True)
    # The region of the commission that decides: the applicant's city (the province for a province-level one).
    review_region_path = models.CharField(max_length=128, db_index=True)
    status = models.CharField(
        max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT, db_index=True
    )
    applied_scope = models.CharField(max_length=255, blank=True)  # 申请考核范围 (specialties, categories)
    description = models.TextField(blank=True)  # 机构条件说明
    contact_name = models.CharField(max_length=64, blank=True)
    contact_phone = models.CharField(max_length=32, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(status__in=["draft", "submitted", "returned"]),
                name="abody_application_one_open",
            )
        ]
        indexes = [
            models.Index(
                fields=["region_path"], name="abody_app_region_prefix", opclasses=["varchar_pattern_ops"]
            )
        ]

    def __str__(self):
        return f"{self.organization_id} {self.status}"


class AssessmentBodyApplicationAttachment(BaseModel):
    application = models.ForeignKey(
        AssessmentBodyApplication, on_delete=models.CASCADE, related_name="attachments"
    )
    object_key = models.CharField(max_length=255, unique=True)
    file_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return self.file_name


class AssessmentBodyApplicationHistory(StateHistory):
    subject = models.ForeignKey(AssessmentBodyApplication, on_delete=models.PROTECT, related_name="history")

    class Meta(StateHistory.Meta):
        pass


class AssessmentBodyAssignment(BaseModel):
    """A body serves a county (target_region) or one institution (target_organization), exactly one of them."""

    body = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="assessment_assignments"
    )
    target_region = models.ForeignKey(
        "organizations.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_assessment_bodies",
    )
    # The target's region path (the county's, or the institution's): jurisdiction filters by prefix.
    target_region_path = models.CharField(max_length=128, db_index=True)
    assigned_by = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="assessment_assignments_made"
    )
    assigned_by_region_path = models.CharField(max_length=128)
    is_cross_region = models.BooleanField(default=False)  # the body lies outside the assigning region
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_region__isnull=True, target_organization__isnull=False)
                | Q(target_region__isnull=False, target_organization__isnull=True),
                name="abody_assignment_one_target",
            ),
            models.UniqueConstraint(
                fields=["body", "target_region"],
                condition=Q(is_active=True, target_region__isnull=False),
                name="abody_assignment_unique_active_region",
            ),
            models.UniqueConstraint(
                fields=["body", "target_organization"],
                condition=Q(is_active=True, target_organization__isnull=False),
                name="abody_assignment_unique_active_org",
            ),
        ]
        indexes = [
            # the reach extension: one lookup per request of a body's user
            models.Index(fields=["body", "is_active"], name="abody_assignment_body_active"),
            models.Index(
                fields=["target_region_path"],
                name="abody_assignment_target_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    def __str__(self):
        return f"{self.body_id} -> {self.target_region_id or self.target_organization_id}"
