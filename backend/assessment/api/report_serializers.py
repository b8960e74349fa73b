"""Serializers of the self-report (填报信息) and of its review (科室评定, 机构审核, 复核)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessment.enums import EnrolmentStatus, Procedure, RatingLevel, ResultLevel
from assessment.models import AttachmentPurpose
from assessment.services.reports import (
    ReportBasicForm,
    ReportEthicsForm,
    ReportExperienceForm,
    ReportPracticeForm,
    ReportWorkPerformanceForm,
)

# --- the physician's side -----------------------------------------------------------------------------


class MyEnrolmentOutput(serializers.Serializer):
    """One of the physician's cycles: where they stand, the procedure, the result once published."""

    id = serializers.UUIDField()
    cycle_id = serializers.UUIDField()
    cycle_code = serializers.CharField(source="cycle.code")
    cycle_name = serializers.CharField(source="cycle.name")
    organization_name = serializers.CharField(source="organization.name")
    department_name = serializers.CharField(source="department.name", allow_null=True, default=None)
    status = serializers.ChoiceField(choices=EnrolmentStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    procedure = serializers.ChoiceField(choices=Procedure.choices, allow_blank=True)
    procedure_label = serializers.CharField(source="get_procedure_display")
    submitted_at = serializers.DateTimeField(allow_null=True)
    result_level = serializers.SerializerMethodField(help_text="once the result is published, else null")
    total_score = serializers.SerializerMethodField(help_text="once the result is published, else null")

    @extend_schema_field(serializers.ChoiceField(choices=ResultLevel.choices, allow_null=True))
    def get_result_level(self, obj):
        visible = self.context.get("result_visible")
        return (obj.result_level or None) if visible and obj.status in visible else None

    @extend_schema_field(serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True))
    def get_total_score(self, obj):
        visible = self.context.get("result_visible")
        if visible and obj.status in visible and obj.total_score is not None:
            return str(obj.total_score)
        return None


class EnrolmentAttachmentOutput(serializers.Serializer):
    id = serializers.UUIDField()
    purpose = serializers.ChoiceField(choices=AttachmentPurpose.choices)
    file_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    created_at = serializers.DateTimeField()


class EnrolmentAttachmentUploadInput(serializers.Serializer):
    file = serializers.FileField(help_text="pdf, jpg or png; at most 20 MB")
    purpose = serializers.ChoiceField(
        choices=[(p.value, p.label) for p in (AttachmentPurpose.EXEMPTION, AttachmentPurpose.OTHER)],
        default=AttachmentPurpose.EXEMPTION,
    )


class EnrolmentAttachmentDownloadOutput(serializers.Serializer):
    url = serializers.CharField()
    file_name = serializers.CharField()


class ReportFormsInput(serializers.Serializer):
    """The forms of the self-report, each optional here (a draft); the submission checks those the cycle's
    settings require, completely. Checked per form by the services."""

    basic = ReportBasicForm(required=False)
    practice = ReportPracticeForm(required=False)
    experience = ReportExperienceForm(required=False)
    work_performance = ReportWorkPerformanceForm(required=False)
    ethics = ReportEthicsForm(required=False)

    def to_internal_value(self, data):
        # Per-form validation happens in the services (draft: types only; submission: complete); here only
        # the shape: an object per known form.
        if not isinstance(data, dict):
            raise serializers.ValidationError(self.error_messages["invalid"], code="invalid")
        out = {}
        for name in self.fields:
            if name in data:
                if not isinstance(data[name], dict):
                    raise serializers.ValidationError({name: [_("须为对象。")]}, code="invalid")
                out[name] = data[name]
        return out


class ReportDraftInput(serializers.Serializer):
    forms = ReportFormsInput(required=False)
    procedure = serializers.ChoiceField(choices=Procedure.choices, required=False, allow_blank=True)
    exemption_reason = serializers.CharField(max_length=255, required=False, allow_blank=True)


class ReportSubmitInput(ReportDraftInput):
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReportPhaseOutput(serializers.Serializer):
    opens = serializers.DateField(allow_null=True)
    closes = serializers.DateField(allow_null=True)
    open = serializers.BooleanField()


class ReportEligibilityOutput(serializers.Serializer):
    eligible = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())


class ReportReturnOutput(serializers.Serializer):
    action = serializers.CharField()
    comment = serializers.CharField()
    actor_name = serializers.CharField()
    created_at = serializers.DateTimeField()


class ReportOutput(serializers.Serializer):
    """The self-report as the physician edits it: the saved forms, the registry's prefill for the others."""

    enrolment = MyEnrolmentOutput()
    editable = serializers.BooleanField()
    required_forms = serializers.ListField(child=serializers.CharField())
    forms = serializers.JSONField(
        help_text="one object per form (basic, practice, experience, work_performance, ethics), fields as "
        "in ReportFormsInput"
    )
    procedure = serializers.ChoiceField(choices=Procedure.choices, allow_blank=True)
    exemption_reason = serializers.CharField()
    exemption_reasons = serializers.ListField(child=serializers.CharField())
    exemption_attachment_required = serializers.BooleanField()
    simplified = ReportEligibilityOutput()
    phase = ReportPhaseOutput()
    attachments = EnrolmentAttachmentOutput(many=True)
    last_return = ReportReturnOutput(allow_null=True)


# --- the reviewers' side ------------------------------------------------------------------------------


class ReviewItemOutput(serializers.Serializer):
    id = serializers.UUIDField()
    cycle_id = serializers.UUIDField()
    cycle_name = serializers.CharField(source="cycle.name")
    physician_id = serializers.UUIDField()
    physician_name = serializers.CharField(source="physician.name")
    id_card_masked = serializers.CharField(source="physician.id_card_masked")
    licence_number = serializers.CharField(source="physician.licence_number")
    title = serializers.CharField()
    organization_id = serializers.UUIDField()
    organization_name = serializers.CharField(source="organization.name")
    department_id = serializers.UUIDField(allow_null=True)
    department_name = serializers.CharField(source="department.name", allow_null=True, default=None)
    procedure = serializers.ChoiceField(choices=Procedure.choices, allow_blank=True)
    procedure_label = serializers.CharField(source="get_procedure_display")
    status = serializers.ChoiceField(choices=EnrolmentStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    submitted_at = serializers.DateTimeField(allow_null=True)


class DepartmentRatingOutput(serializers.Serializer):
    work_performance = serializers.ChoiceField(choices=RatingLevel.choices)
    ethics = serializers.ChoiceField(choices=RatingLevel.choices)
    comment = serializers.CharField()
    rated_by_name = serializers.CharField(source="rated_by.name")
    rated_at = serializers.DateTimeField(source="updated_at")


class EnrolmentHistoryEntryOutput(serializers.Serializer):
    id = serializers.UUIDField()
    action = serializers.CharField()
    action_label = serializers.CharField()
    from_state = serializers.ChoiceField(choices=EnrolmentStatus.choices)
    to_state = serializers.ChoiceField(choices=EnrolmentStatus.choices)
    actor_name = serializers.CharField()
    comment = serializers.CharField()
    created_at = serializers.DateTimeField()


class ReviewDetailOutput(ReviewItemOutput):
    """One submission under review: the report as submitted, the rating, attachments and history."""

    forms = serializers.JSONField(help_text="the forms as submitted (SelfReport.submitted_forms)")
    exemption_reason = serializers.CharField()
    department_rating = DepartmentRatingOutput(allow_null=True)
    attachments = EnrolmentAttachmentOutput(many=True)
    history = EnrolmentHistoryEntryOutput(many=True)
    actions = serializers.ListField(child=serializers.CharField(), help_text="actions legal now")


class ReviewCommentInput(serializers.Serializer):
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReviewReturnInput(serializers.Serializer):
    """A return needs the reason the physician reads."""

    comment = serializers.CharField(max_length=2000)


class DepartmentRateInput(serializers.Serializer):
    work_performance = serializers.ChoiceField(choices=RatingLevel.choices)
    ethics = serializers.ChoiceField(choices=RatingLevel.choices)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReviewBulkApproveInput(serializers.Serializer):
    ids = serializers.ListField(child=serializers.UUIDField(), min_length=1, max_length=10000)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReviewBulkApproveOutput(serializers.Serializer):
    approved = serializers.IntegerField()


class ReviewFilterInput(serializers.Serializer):
    cycle = serializers.UUIDField(required=False)
    procedure = serializers.ChoiceField(choices=Procedure.choices, required=False)
    status = serializers.ChoiceField(choices=EnrolmentStatus.choices, required=False)
    name = serializers.CharField(max_length=64, required=False)
    department = serializers.UUIDField(required=False)
    organization = serializers.UUIDField(required=False)
