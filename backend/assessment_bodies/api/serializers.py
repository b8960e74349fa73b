from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessment_bodies.models import ApplicationStatus
from organizations.enums import OrganizationKind

# --- applications -----------------------------------------------------------------------------------


class AssessmentBodyApplicantOutput(serializers.Serializer):
    """The applying organisation's basic information, as the reviewing commission sees it."""

    id = serializers.UUIDField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=OrganizationKind.choices)
    region_code = serializers.CharField(source="region.code")
    region_name = serializers.CharField(source="region.name")
    unified_social_credit_code = serializers.CharField(allow_null=True)
    institution_type = serializers.CharField()
    grade = serializers.CharField()
    address = serializers.CharField()
    contact_name = serializers.CharField()
    contact_phone = serializers.CharField()
    is_assessment_body = serializers.BooleanField()


class AssessmentBodyAttachmentOutput(serializers.Serializer):
    id = serializers.UUIDField()
    file_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    created_at = serializers.DateTimeField()


class AssessmentBodyApplicationOutput(serializers.Serializer):
    id = serializers.UUIDField()
    organization = AssessmentBodyApplicantOutput()
    status = serializers.ChoiceField(choices=ApplicationStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    applied_scope = serializers.CharField()
    description = serializers.CharField()
    contact_name = serializers.CharField()
    contact_phone = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    reviewed_at = serializers.DateTimeField(allow_null=True)
    reviewer_name = serializers.SerializerMethodField()
    review_comment = serializers.CharField()
    attachments = AssessmentBodyAttachmentOutput(many=True, source="attachments.all")
    actions = serializers.SerializerMethodField(help_text="actions the caller may take now")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_reviewer_name(self, obj) -> str | None:
        return obj.reviewed_by.name if obj.reviewed_by_id else None

    def get_actions(self, obj) -> list[str]:
        allowed = self.context.get("actions")
        return sorted(allowed(obj)) if allowed else []


class AssessmentBodyApplicationCreateInput(serializers.Serializer):
    applied_scope = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    contact_name = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    contact_phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")


class AssessmentBodyApplicationUpdateInput(serializers.Serializer):
    applied_scope = serializers.CharField(max_length=255, required=False, allow_blank=True)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    contact_name = serializers.CharField(max_length=64, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=32, required=False, allow_blank=True)


class AssessmentBodyApplicationActionInput(serializers.Serializer):
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class AssessmentBodyApplicationReviewInput(serializers.Serializer):
    """Reject and return need a reason for the applicant."""

    comment = serializers.CharField(max_length=2000)


class AssessmentBodyAttachmentUploadInput(serializers.Serializer):
    file = serializers.FileField(help_text="pdf, jpg or png; at most 20 MB")


class AssessmentBodyAttachmentDownloadOutput(serializers.Serializer):
    url = serializers.CharField()
    file_name = serializers.CharField()


class AssessmentBodyApplicationHistoryOutput(serializers.Serializer):
    id = serializers.UUIDField()
    action = serializers.CharField()
    from_state = serializers.ChoiceField(choices=ApplicationStatus.choices)
    to_state = serializers.ChoiceField(choices=ApplicationStatus.choices)
    actor_name = serializers.CharField()
    comment = serializers.CharField()
    created_at = serializers.DateTimeField()


# --- assignments and bodies -------------------------------------------------------------------------


class AssessmentBodyBriefOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=OrganizationKind.choices)
    region_code = serializers.CharField(source="region.code")
    region_name = serializers.CharField(source="region.name")


class AssessmentBodyTargetRegionOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class AssessmentBodyTargetOrganizationOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()


class AssessmentBodyAssigningOrganizationOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()


class AssessmentBodyAssignmentOutput(serializers.Serializer):
    id = serializers.UUIDField()
    body = AssessmentBodyBriefOutput()
    target_type = serializers.SerializerMethodField()
    target_region = AssessmentBodyTargetRegionOutput(allow_null=True)
    target_organization = AssessmentBodyTargetOrganizationOutput(allow_null=True)
    assigned_by = AssessmentBodyAssigningOrganizationOutput()
    is_cross_region = serializers.BooleanField()
    is_active = serializers.BooleanField()
    note = serializers.CharField()
    created_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)

    def get_target_type(self, obj) -> str:
        return "region" if obj.target_region_id else "organization"


class AssessmentBodyServedOutput(serializers.Serializer):
    """Whom a body serves: one active assignment, target first."""

    assignment_id = serializers.UUIDField(source="id")
    target_type = serializers.SerializerMethodField()
    target_id = serializers.SerializerMethodField()
    target_name = serializers.SerializerMethodField()
    target_region_code = serializers.SerializerMethodField()
    is_cross_region = serializers.BooleanField()
    assigned_by_name = serializers.CharField(source="assigned_by.name")
    created_at = serializers.DateTimeField()

    def get_target_type(self, obj) -> str:
        return "region" if obj.target_region_id else "organization"

    def get_target_id(self, obj) -> str:
        return str(obj.target_region.code if obj.target_region_id else obj.target_organization_id)

    def get_target_name(self, obj) -> str:
        return obj.target_region.name if obj.target_region_id else obj.target_organization.name

    def get_target_region_code(self, obj) -> str:
        path = obj.target_region_path.rstrip("/")
        return path.rsplit("/", 1)[-1]


class AssessmentBodyOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=OrganizationKind.choices)
    region_code = serializers.CharField(source="region.code")
    region_name = serializers.CharField(source="region.name")
    unified_social_credit_code = serializers.CharField(allow_null=True)
    institution_type = serializers.CharField()
    grade = serializers.CharField()
    address = serializers.CharField()
    contact_name = serializers.CharField()
    contact_phone = serializers.CharField()
    serves = serializers.SerializerMethodField()

    @extend_schema_field(AssessmentBodyServedOutput(many=True))
    def get_serves(self, obj):
        served = self.context.get("served", {}).get(obj.id, [])
        return AssessmentBodyServedOutput(served, many=True).data


class AssessmentBodyAssignmentCreateInput(serializers.Serializer):
    body = serializers.UUIDField(help_text="the assessment body (an organisation with is_assessment_body)")
    target_region = serializers.CharField(
        max_length=12, required=False, allow_blank=True, help_text="county division code"
    )
    target_organization = serializers.UUIDField(required=False, allow_null=True, help_text="an institution")
    note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
