from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from credentialing.models import (
    ApplicationStatus,
    Category,
    DrugClass,
    GrantStatus,
    PrivilegeKind,
    ReassessmentResult,
    SecondmentKind,
    SpecialPractice,
)

GRADE = {"min_value": 1, "max_value": 4}


class CredJobOutput(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    status = serializers.CharField()


class CredFileInput(serializers.Serializer):
    file = serializers.FileField()


class CatalogueItemInput(serializers.Serializer):
    code = serializers.RegexField(r"^[0-9A-Za-z.\-x]{2,32}$", max_length=32)
    name = serializers.CharField(max_length=128)
    category = serializers.ChoiceField(choices=Category.choices)
    grade = serializers.IntegerField(required=False, allow_null=True, **GRADE)
    national_code = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    national_grade = serializers.IntegerField(required=False, allow_null=True, **GRADE)
    provincial_code = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    provincial_grade = serializers.IntegerField(required=False, allow_null=True, **GRADE)
    exam_blueprint_id = serializers.UUIDField(required=False, allow_null=True)
    active = serializers.BooleanField(required=False, default=True)


class CatalogueItemUpdateInput(CatalogueItemInput):
    code = serializers.RegexField(r"^[0-9A-Za-z.\-x]{2,32}$", max_length=32, required=False)
    name = serializers.CharField(max_length=128, required=False)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    national_code = serializers.CharField(max_length=32, required=False, allow_blank=True)
    provincial_code = serializers.CharField(max_length=32, required=False, allow_blank=True)
    active = serializers.BooleanField(required=False)


class CatalogueItemOutput(serializers.Serializer):
    id = serializers.UUIDField()
    code = serializers.CharField()
    name = serializers.CharField()
    category = serializers.CharField()
    category_label = serializers.CharField(source="get_category_display")
    grade = serializers.IntegerField(allow_null=True)
    national_code = serializers.CharField()
    national_grade = serializers.IntegerField(allow_null=True)
    provincial_code = serializers.CharField()
    provincial_grade = serializers.IntegerField(allow_null=True)
    exam_blueprint_id = serializers.UUIDField(allow_null=True)
    active = serializers.BooleanField()


class TitleRuleRow(serializers.Serializer):
    grade = serializers.IntegerField(**GRADE)
    min_rank = serializers.IntegerField(min_value=1, max_value=4)
    min_title = serializers.CharField(read_only=True)


class TitleRulesInput(serializers.Serializer):
    rules = TitleRuleRow(many=True)


class ExamRequirementInput(serializers.Serializer):
    key = serializers.RegexField(r"^[a-z_]+(:[a-z_]+)?$", max_length=48)
    exam_blueprint_id = serializers.UUIDField(allow_null=True)


class ExamRequirementOutput(serializers.Serializer):
    key = serializers.CharField()
    exam_blueprint_id = serializers.UUIDField()


class DepartmentItemInput(serializers.Serializer):
    department_id = serializers.UUIDField()
    item_id = serializers.UUIDField()
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class DepartmentItemOutput(serializers.Serializer):
    id = serializers.UUIDField()
    department_id = serializers.UUIDField()
    item = CatalogueItemOutput()
    status = serializers.CharField()
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()


class ApplicationInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PrivilegeKind.choices)
    physician_id = serializers.UUIDField(required=False, allow_null=True)
    item_id = serializers.UUIDField(required=False, allow_null=True)
    drug_class = serializers.ChoiceField(
        choices=DrugClass.choices, required=False, allow_blank=True, default=""
    )
    level = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    anaesthesia_grade = serializers.IntegerField(required=False, allow_null=True, **GRADE)
    special = serializers.ChoiceField(
        choices=SpecialPractice.choices, required=False, allow_blank=True, default=""
    )
    form = serializers.DictField(
        child=serializers.CharField(max_length=500, allow_blank=True), required=False, default=dict
    )
    valid_years = serializers.IntegerField(min_value=1, max_value=10, required=False, default=3)


class ApprovalSummary(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.CharField()
    current_step = serializers.IntegerField(allow_null=True)
    submitted_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


class ApplicationOutput(serializers.Serializer):
    id = serializers.UUIDField()
    physician_id = serializers.UUIDField()
    physician_name = serializers.SerializerMethodField()
    department_id = serializers.UUIDField(allow_null=True)
    kind = serializers.ChoiceField(choices=PrivilegeKind.choices)
    item = CatalogueItemOutput(allow_null=True)
    drug_class = serializers.CharField()
    level = serializers.CharField()
    anaesthesia_grade = serializers.IntegerField(allow_null=True)
    special = serializers.CharField()
    form = serializers.DictField()
    record = serializers.DictField()
    valid_years = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ApplicationStatus.choices)
    approval = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_physician_name(self, obj) -> str:
        p = self.context.get("physicians", {}).get(obj.physician_id)
        return p.name if p else ""

    @extend_schema_field(ApprovalSummary(allow_null=True))
    def get_approval(self, obj):
        request = self.context.get("approvals", {}).get(obj.approval_request_id)
        return ApprovalSummary(request).data if request else None


class FormDefinitionOutput(serializers.Serializer):
    key = serializers.CharField()
    kind = serializers.CharField()
    label = serializers.CharField()
    fields = serializers.ListField(child=serializers.CharField())
    levels = serializers.ListField(child=serializers.CharField())


class GrantEventOutput(serializers.Serializer):
    action = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    reason = serializers.CharField()
    actor_id = serializers.UUIDField(allow_null=True)
    data = serializers.DictField()
    created_at = serializers.DateTimeField()


class GrantOutput(serializers.Serializer):
    id = serializers.UUIDField()
    physician_id = serializers.UUIDField()
    physician_name = serializers.SerializerMethodField()
    department_id = serializers.UUIDField(allow_null=True)
    kind = serializers.ChoiceField(choices=PrivilegeKind.choices)
    item = CatalogueItemOutput(allow_null=True)
    drug_class = serializers.CharField()
    level = serializers.CharField()
    anaesthesia_grade = serializers.IntegerField(allow_null=True)
    special = serializers.CharField()
    scope_note = serializers.CharField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    status = serializers.ChoiceField(choices=GrantStatus.choices)
    status_reason = serializers.CharField()
    suspended_until = serializers.DateField(allow_null=True)
    application_id = serializers.UUIDField(allow_null=True)

    def get_physician_name(self, obj) -> str:
        p = self.context.get("physicians", {}).get(obj.physician_id)
        return p.name if p else ""


class GrantDetailOutput(GrantOutput):
    events = GrantEventOutput(many=True, source="events.all")


class GrantAdjustInput(serializers.Serializer):
    valid_until = serializers.DateField(required=False)
    scope_note = serializers.CharField(max_length=255, required=False, allow_blank=True)
    level = serializers.CharField(max_length=32, required=False)


class GrantReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=255)
    until = serializers.DateField(required=False, allow_null=True)


class SecondmentInput(serializers.Serializer):
    physician_id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=SecondmentKind.choices)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    place = serializers.CharField(max_length=128, required=False, allow_blank=True, default="")


class SecondmentOutput(serializers.Serializer):
    id = serializers.UUIDField()
    physician_id = serializers.UUIDField()
    kind = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    place = serializers.CharField()
    cancelled = serializers.BooleanField()


class ApiKeyInput(serializers.Serializer):
    name = serializers.CharField(max_length=64)


class ApiKeyOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    prefix = serializers.CharField()
    created_at = serializers.DateTimeField()
    revoked_at = serializers.DateTimeField(allow_null=True)
    last_used_at = serializers.DateTimeField(allow_null=True)


class ApiKeyCreatedOutput(ApiKeyOutput):
    key = serializers.CharField(help_text="Shown once; only its SHA-256 is stored.")


class PrivilegeCheckInput(serializers.Serializer):
    physician_id = serializers.UUIDField(required=False)
    licence_number = serializers.CharField(max_length=32, required=False)
    procedure_code = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    drug_class = serializers.ChoiceField(
        choices=DrugClass.choices, required=False, allow_blank=True, default=""
    )
    level = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")


class PrivilegeCheckOutput(serializers.Serializer):
    allowed = serializers.BooleanField()
    reason = serializers.CharField()
    message = serializers.CharField()
    grant_id = serializers.UUIDField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True)


class ImportBatchOutput(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    file_name = serializers.CharField()
    rows = serializers.IntegerField()
    summary = serializers.DictField()
    created_at = serializers.DateTimeField()


class ViolationOutput(serializers.Serializer):
    id = serializers.UUIDField()
    record_no = serializers.CharField()
    date = serializers.SerializerMethodField()
    department_id = serializers.UUIDField(allow_null=True)
    physician_id = serializers.SerializerMethodField()
    procedure_code = serializers.CharField(default="")
    grade = serializers.IntegerField(allow_null=True, default=None)
    drug_class = serializers.CharField(default="")
    level = serializers.CharField(default="")
    out_of_privilege = serializers.BooleanField()
    over_grade = serializers.BooleanField(default=False)
    lead_mismatch = serializers.BooleanField(default=False)
    preop_discussion_issue = serializers.BooleanField(default=False)
    death_discussion_issue = serializers.BooleanField(default=False)
    unreported_major = serializers.BooleanField(default=False)

    def get_date(self, obj) -> str:
        return str(getattr(obj, "performed_on", None) or obj.prescribed_on)

    def get_physician_id(self, obj) -> str:
        return str(getattr(obj, "lead_id", None) or obj.physician_id)


class DepartmentStatOutput(serializers.Serializer):
    department_id = serializers.UUIDField(allow_null=True)
    drug_class = serializers.CharField(required=False)
    total = serializers.IntegerField()
    out_of_privilege = serializers.IntegerField()
    over_grade = serializers.IntegerField(required=False)
    lead_mismatch = serializers.IntegerField(required=False)
    preop_discussion_issue = serializers.IntegerField(required=False)
    death_discussion_issue = serializers.IntegerField(required=False)
    unreported_major = serializers.IntegerField(required=False)


class StatisticsOutput(serializers.Serializer):
    operations = DepartmentStatOutput(many=True)
    prescriptions = DepartmentStatOutput(many=True)


class ReassessmentInput(serializers.Serializer):
    name = serializers.CharField(max_length=128)
    grade = serializers.IntegerField(**GRADE)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    min_volume = serializers.IntegerField(min_value=0, required=False, default=1)


class ReassessmentOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    grade = serializers.IntegerField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    min_volume = serializers.IntegerField()
    status = serializers.CharField()
    closed_at = serializers.DateTimeField(allow_null=True)


class ReassessmentItemOutput(serializers.Serializer):
    id = serializers.UUIDField()
    physician_id = serializers.UUIDField()
    grant = GrantOutput()
    volume = serializers.IntegerField()
    complications = serializers.IntegerField()
    deaths = serializers.IntegerField()
    unplanned_reoperations = serializers.IntegerField()
    result = serializers.ChoiceField(choices=ReassessmentResult.choices)
    comment = serializers.CharField()


class ReassessmentAssessInput(serializers.Serializer):
    result = serializers.ChoiceField(choices=[("passed", "passed"), ("failed", "failed")])
    comment = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    complications = serializers.IntegerField(min_value=0, required=False)
    deaths = serializers.IntegerField(min_value=0, required=False)
    unplanned_reoperations = serializers.IntegerField(min_value=0, required=False)


class ReassessmentCloseOutput(serializers.Serializer):
    assessed = serializers.IntegerField()
    failed = serializers.IntegerField()


class CertificateInput(serializers.Serializer):
    name = serializers.CharField(max_length=64)
    number = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    issued_on = serializers.DateField(required=False, allow_null=True)
    valid_until = serializers.DateField(required=False, allow_null=True)
    file = serializers.FileField(required=False)


class CertificateUpdateInput(CertificateInput):
    name = serializers.CharField(max_length=64, required=False)
    number = serializers.CharField(max_length=64, required=False, allow_blank=True)


class CertificateOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    number = serializers.CharField()
    issued_on = serializers.DateField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True)
    file_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()


class DownloadOutput(serializers.Serializer):
    url = serializers.URLField()
    file_name = serializers.CharField()


class CertificatesExportInput(serializers.Serializer):
    physician_id = serializers.UUIDField(required=False, allow_null=True)


class CareerInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[("work", "work"), ("training", "training")])
    organization_name = serializers.CharField(max_length=128)
    role = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True)
    description = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class CareerOutput(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    organization_name = serializers.CharField()
    role = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)
    description = serializers.CharField()


class ArchiveEntryOutput(serializers.Serializer):
    kind = serializers.CharField()
    summary = serializers.CharField()
    occurred_on = serializers.DateField()
    data = serializers.DictField()


class PhysicianBasicOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    gender = serializers.CharField()
    title = serializers.CharField()
    licence_number = serializers.CharField()
    practice_category = serializers.CharField()
    practice_scope = serializers.CharField()
    department_id = serializers.UUIDField(allow_null=True)
    phone = serializers.CharField()


class WorkloadOutput(serializers.Serializer):
    months = serializers.ListField(child=serializers.DictField())
    totals = serializers.DictField(allow_null=True)
    hospital_rank = serializers.DictField()
    department_rank = serializers.DictField()
    same_title_rank = serializers.DictField()
    hospital_size = serializers.IntegerField()
    department_size = serializers.IntegerField(required=False)
    same_title_size = serializers.IntegerField(required=False)


class ArchiveOverviewOutput(serializers.Serializer):
    physician = PhysicianBasicOutput()
    employee_number = serializers.CharField()
    certificates = CertificateOutput(many=True)
    grants = GrantDetailOutput(many=True)
    reassessments = ArchiveEntryOutput(many=True)
    career = CareerOutput(many=True)
    history = ArchiveEntryOutput(many=True)
    workload = WorkloadOutput()


class AnalysisOutput(serializers.Serializer):
    items_by_category = serializers.ListField(child=serializers.DictField())
    items_by_grade = serializers.ListField(child=serializers.DictField())
    department_items = serializers.ListField(child=serializers.DictField())
    grants_by_kind_and_status = serializers.ListField(child=serializers.DictField())
    grants_by_year = serializers.ListField(child=serializers.DictField())
    physicians_by_title = serializers.ListField(child=serializers.DictField())
    restricted_technologies = serializers.ListField(child=serializers.DictField())


class CredentialingSettingsSerializer(serializers.Serializer):
    anaesthesia_mode = serializers.ChoiceField(
        choices=[("catalogue", "catalogue"), ("grade", "grade"), ("both", "both")]
    )


class PhysicianSearchOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    title = serializers.CharField()
    licence_number = serializers.CharField()
    department_id = serializers.UUIDField(allow_null=True)
    grants = serializers.SerializerMethodField()

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_grants(self, obj):
        return self.context.get("counts", {}).get(obj.id, {})
