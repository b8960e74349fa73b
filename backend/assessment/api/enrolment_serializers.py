from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessment.api.report_serializers import EnrolmentHistoryEntryOutput
from assessment.enums import EnrolmentStatus, Procedure
from physicians.enums import PracticeCategory
from physicians.validators import mask_phone


class EnrolmentCandidateFilterInput(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=64)
    department_id = serializers.UUIDField(required=False, allow_null=True)
    title = serializers.CharField(required=False, allow_blank=True, max_length=32)
    practice_category = serializers.ChoiceField(
        choices=PracticeCategory.choices, required=False, allow_blank=True
    )


class EnrolmentCandidateOutput(serializers.Serializer):
    """A physician of the institution not enrolled in the cycle yet (the institution sees its own whole,
    except the ID card)."""

    id = serializers.UUIDField()
    name = serializers.CharField()
    gender = serializers.CharField()
    id_card_masked = serializers.CharField()
    phone = serializers.CharField()
    licence_number = serializers.CharField()
    practice_category = serializers.ChoiceField(choices=PracticeCategory.choices)
    title = serializers.CharField()
    department_id = serializers.UUIDField(allow_null=True)
    department_name = serializers.SerializerMethodField()
    has_account = serializers.SerializerMethodField()

    def get_department_name(self, obj) -> str:
        return obj.department.name if obj.department_id else ""

    def get_has_account(self, obj) -> bool:
        return obj.user_id is not None


class EnrolmentCreateInput(serializers.Serializer):
    physician = serializers.UUIDField()


class EnrolmentBulkCreateInput(serializers.Serializer):
    physicians = serializers.ListField(child=serializers.UUIDField(), allow_empty=False, max_length=5000)


class EnrolmentBulkCreateOutput(serializers.Serializer):
    enrolled = serializers.IntegerField()
    ids = serializers.ListField(child=serializers.UUIDField())


class EnrolmentImportInput(serializers.Serializer):
    file = serializers.FileField(help_text=".xlsx with a column 执业证书编号 or 身份证号")


class EnrolmentJobOutput(serializers.Serializer):
    """A started background job; poll GET /api/v1/jobs/<id>/ for progress, errors and the result file."""

    id = serializers.UUIDField()
    kind = serializers.CharField()
    status = serializers.CharField()


class EnrolmentTemplateOutput(serializers.Serializer):
    url = serializers.URLField()
    file_name = serializers.CharField()


class EnrolmentFilterInput(serializers.Serializer):
    cycle = serializers.UUIDField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=EnrolmentStatus.choices, required=False, allow_blank=True)
    procedure = serializers.ChoiceField(choices=Procedure.choices, required=False, allow_blank=True)
    department = serializers.UUIDField(required=False, allow_null=True)
    title = serializers.CharField(required=False, allow_blank=True, max_length=32)
    name = serializers.CharField(required=False, allow_blank=True, max_length=64)
    organization = serializers.UUIDField(required=False, allow_null=True)
    region = serializers.CharField(required=False, allow_blank=True, max_length=12)

    def to_filters(self) -> dict:
        """The selector's keyword arguments (JSON-safe, for a job's params)."""
        d = self.validated_data
        out = {
            "cycle_id": d.get("cycle"),
            "status": d.get("status", ""),
            "procedure": d.get("procedure", ""),
            "department_id": d.get("department"),
            "title": d.get("title", ""),
            "name": d.get("name", ""),
            "organization_id": d.get("organization"),
            "region": d.get("region", ""),
        }
        return {k: (str(v) if k.endswith("_id") else v) for k, v in out.items() if v}


class EnrolmentPhysicianOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    gender = serializers.CharField()
    id_card_masked = serializers.CharField()
    phone = serializers.SerializerMethodField()
    licence_number = serializers.CharField()
    practice_category = serializers.ChoiceField(choices=PracticeCategory.choices)

    def get_phone(self, obj) -> str:
        return mask_phone(obj.phone) if self.context.get("mask") else obj.phone


class EnrolmentItemOutput(serializers.Serializer):
    id = serializers.UUIDField()
    cycle_id = serializers.UUIDField()
    cycle_name = serializers.CharField(source="cycle.name")
    physician = serializers.SerializerMethodField()
    organization_id = serializers.UUIDField()
    organization_name = serializers.CharField(source="organization.name")
    department_id = serializers.UUIDField(allow_null=True)
    department_name = serializers.SerializerMethodField()
    title = serializers.CharField()
    assessment_body_id = serializers.UUIDField(allow_null=True)
    assessment_body_name = serializers.SerializerMethodField()
    procedure = serializers.CharField(help_text="general | simplified | exempt, empty before submission")
    status = serializers.ChoiceField(choices=EnrolmentStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    settings_id = serializers.UUIDField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()

    @extend_schema_field(EnrolmentPhysicianOutput)
    def get_physician(self, obj):
        return EnrolmentPhysicianOutput(obj.physician, context=self.context).data

    def get_department_name(self, obj) -> str:
        return obj.department.name if obj.department_id else ""

    def get_assessment_body_name(self, obj) -> str:
        return obj.assessment_body.name if obj.assessment_body_id else ""


class EnrolmentDetailOutput(EnrolmentItemOutput):
    settings_version = serializers.IntegerField(source="settings.version")
    enrolled_by_name = serializers.CharField(source="enrolled_by.name")
    total_score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    result_level = serializers.CharField()
    history = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField(help_text="what the caller may do: withdraw, delete")

    @extend_schema_field(EnrolmentHistoryEntryOutput(many=True))
    def get_history(self, obj):
        return EnrolmentHistoryEntryOutput(self.context.get("history", []), many=True).data

    def get_actions(self, obj) -> list[str]:
        return self.context.get("actions", [])


class EnrolmentWithdrawInput(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class EnrolmentPasswordResetOutput(serializers.Serializer):
    """The new password, shown once; the physician must change it at the next login."""

    username = serializers.CharField()
    password = serializers.CharField()
    account_active = serializers.BooleanField()
