from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.crypto import decrypt
from physicians.enums import PhysicianStatus, PostType, PracticeCategory, SpecialRole
from physicians.validators import mask_phone


class PhysicianFilterInput(serializers.Serializer):
    """Filters of the physician list and export."""

    name = serializers.CharField(max_length=64, required=False, help_text="name starts with")
    name_contains = serializers.CharField(max_length=64, required=False)
    id_card = serializers.CharField(max_length=32, required=False, help_text="exact ID-card number")
    licence_number = serializers.CharField(max_length=32, required=False)
    organization_id = serializers.UUIDField(required=False)
    region = serializers.CharField(max_length=12, required=False, help_text="region code: its whole subtree")
    department_id = serializers.UUIDField(required=False)
    practice_category = serializers.ChoiceField(choices=PracticeCategory.choices, required=False)
    title = serializers.CharField(max_length=32, required=False)
    status = serializers.ChoiceField(choices=PhysicianStatus.choices, required=False)
    post_type = serializers.ChoiceField(choices=PostType.choices, required=False)

    def to_filters(self) -> dict:
        """JSON-safe filters (UUIDs as text), without empty ones; the audit row never holds an ID card."""
        return {
            k: str(v) if k.endswith("_id") else v
            for k, v in self.validated_data.items()
            if v not in (None, "")
        }


def audit_filters(filters: dict) -> dict:
    """The filters as written to the audit log: an ID-card number searched for is recorded masked."""
    if filters.get("id_card"):
        return {**filters, "id_card": "*" * 14 + str(filters["id_card"])[-4:]}
    return filters


class MaskedPhoneField(serializers.CharField):
    """The phone number, masked when the serializer's context says so (commissions)."""

    def to_representation(self, value):
        value = super().to_representation(value)
        return mask_phone(value) if self.context.get("mask") else value


class PhysicianListItemOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    gender = serializers.CharField()
    birth_date = serializers.DateField(allow_null=True)
    id_card_masked = serializers.CharField()
    phone = MaskedPhoneField()
    licence_number = serializers.CharField()
    practice_category = serializers.ChoiceField(choices=PracticeCategory.choices)
    practice_scope = serializers.CharField()
    title = serializers.CharField()
    post_type = serializers.ChoiceField(choices=PostType.choices)
    status = serializers.ChoiceField(choices=PhysicianStatus.choices)
    organization_id = serializers.UUIDField()
    organization_name = serializers.CharField(source="organization.name")
    department_id = serializers.UUIDField(allow_null=True)
    department_name = serializers.CharField(source="department.name", allow_null=True, default=None)
    region_path = serializers.CharField()
    has_account = serializers.SerializerMethodField()

    @extend_schema_field(serializers.BooleanField())
    def get_has_account(self, obj) -> bool:
        return obj.user_id is not None


class PracticeSiteOutput(serializers.Serializer):
    id = serializers.UUIDField()
    organization_id = serializers.UUIDField(allow_null=True)
    site_name = serializers.CharField()
    is_primary = serializers.BooleanField()
    filed_on = serializers.DateField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True)


class EducationRecordOutput(serializers.Serializer):
    id = serializers.UUIDField()
    school = serializers.CharField()
    major = serializers.CharField()
    degree = serializers.CharField()
    started_on = serializers.DateField(allow_null=True)
    finished_on = serializers.DateField(allow_null=True)


class PracticeRecordOutput(serializers.Serializer):
    id = serializers.UUIDField()
    organization_name = serializers.CharField()
    department_name = serializers.CharField()
    title = serializers.CharField()
    started_on = serializers.DateField(allow_null=True)
    finished_on = serializers.DateField(allow_null=True)


class PhysicianTransferOutput(serializers.Serializer):
    id = serializers.UUIDField()
    from_organization_id = serializers.UUIDField()
    from_organization_name = serializers.CharField(source="from_organization.name")
    to_organization_id = serializers.UUIDField()
    to_organization_name = serializers.CharField(source="to_organization.name")
    from_department_name = serializers.CharField(source="from_department.name", allow_null=True, default=None)
    to_department_name = serializers.CharField(source="to_department.name", allow_null=True, default=None)
    transferred_by_name = serializers.CharField(source="transferred_by.name")
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()


class PhysicianDetailOutput(PhysicianListItemOutput):
    """One physician with practice details, multi-site filings, education and practice history and the
    changes of institution. `id_card_number` is null unless the caller is the physician."""

    id_card_number = serializers.SerializerMethodField()
    qualification_number = serializers.CharField()
    licence_valid_until = serializers.DateField(allow_null=True)
    education = serializers.CharField()
    specialty = serializers.CharField()
    special_roles = serializers.ListField(child=serializers.ChoiceField(choices=SpecialRole.choices))
    hired_on = serializers.DateField(allow_null=True)
    sites = PracticeSiteOutput(many=True)
    education_records = EducationRecordOutput(many=True)
    practice_records = PracticeRecordOutput(many=True)
    transfers = PhysicianTransferOutput(many=True)
    updated_at = serializers.DateTimeField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_id_card_number(self, obj) -> str | None:
        user_id = self.context.get("user_id")
        if user_id is not None and obj.user_id == user_id:
            return decrypt(obj.id_card_encrypted)
        return None


class PracticeSiteInput(serializers.Serializer):
    organization_id = serializers.UUIDField(required=False, allow_null=True)
    site_name = serializers.CharField(max_length=128, required=False, allow_blank=True, default="")
    is_primary = serializers.BooleanField(default=False)
    filed_on = serializers.DateField(required=False, allow_null=True)
    valid_until = serializers.DateField(required=False, allow_null=True)


class EducationRecordInput(serializers.Serializer):
    school = serializers.CharField(max_length=128)
    major = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    degree = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    started_on = serializers.DateField(required=False, allow_null=True)
    finished_on = serializers.DateField(required=False, allow_null=True)


class PracticeRecordInput(serializers.Serializer):
    organization_name = serializers.CharField(max_length=128)
    department_name = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    title = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    started_on = serializers.DateField(required=False, allow_null=True)
    finished_on = serializers.DateField(required=False, allow_null=True)


class PhysicianCreateInput(serializers.Serializer):
    """A new physician of the caller's institution. Gender and birth date come from the ID-card number."""

    name = serializers.CharField(max_length=64)
    id_card_number = serializers.CharField(max_length=32)
    licence_number = serializers.CharField(max_length=32)
    practice_category = serializers.ChoiceField(choices=PracticeCategory.choices)
    practice_scope = serializers.CharField(max_length=64, required=False, allow_blank=True)
    title = serializers.CharField(max_length=32, required=False, allow_blank=True)
    qualification_number = serializers.CharField(max_length=32, required=False, allow_blank=True)
    licence_valid_until = serializers.DateField(required=False, allow_null=True)
    education = serializers.CharField(max_length=16, required=False, allow_blank=True)
    specialty = serializers.CharField(max_length=64, required=False, allow_blank=True)
    post_type = serializers.ChoiceField(choices=PostType.choices, required=False)
    special_roles = serializers.ListField(
        child=serializers.ChoiceField(choices=SpecialRole.choices), required=False
    )
    hired_on = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=PhysicianStatus.choices, required=False)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    department_id = serializers.UUIDField(required=False, allow_null=True)
    sites = PracticeSiteInput(many=True, required=False)
    education_records = EducationRecordInput(many=True, required=False)
    practice_records = PracticeRecordInput(many=True, required=False)


class PhysicianUpdateInput(serializers.Serializer):
    """Only the fields sent are changed."""

    name = serializers.CharField(max_length=64, required=False)
    id_card_number = serializers.CharField(max_length=32, required=False)
    licence_number = serializers.CharField(max_length=32, required=False)
    practice_category = serializers.ChoiceField(choices=PracticeCategory.choices, required=False)
    practice_scope = serializers.CharField(max_length=64, required=False, allow_blank=True)
    title = serializers.CharField(max_length=32, required=False, allow_blank=True)
    qualification_number = serializers.CharField(max_length=32, required=False, allow_blank=True)
    licence_valid_until = serializers.DateField(required=False, allow_null=True)
    education = serializers.CharField(max_length=16, required=False, allow_blank=True)
    specialty = serializers.CharField(max_length=64, required=False, allow_blank=True)
    post_type = serializers.ChoiceField(choices=PostType.choices, required=False)
    special_roles = serializers.ListField(
        child=serializers.ChoiceField(choices=SpecialRole.choices), required=False
    )
    hired_on = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=PhysicianStatus.choices, required=False)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    department_id = serializers.UUIDField(required=False, allow_null=True)


class PhysicianSitesInput(serializers.Serializer):
    sites = PracticeSiteInput(many=True)


class PhysicianEducationRecordsInput(serializers.Serializer):
    education_records = EducationRecordInput(many=True)


class PhysicianPracticeRecordsInput(serializers.Serializer):
    practice_records = PracticeRecordInput(many=True)


class PhysicianTransferInput(serializers.Serializer):
    to_organization = serializers.UUIDField()
    to_department = serializers.UUIDField(required=False, allow_null=True)
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class PhysicianSelfUpdateInput(serializers.Serializer):
    """What a physician fills in about themself (填报信息)."""

    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    education = serializers.CharField(max_length=16, required=False, allow_blank=True)
    specialty = serializers.CharField(max_length=64, required=False, allow_blank=True)


class PhysicianImportInput(serializers.Serializer):
    file = serializers.FileField(help_text=".xlsx in the template's columns")


class PhysicianJobOutput(serializers.Serializer):
    """A started background job; poll GET /api/v1/jobs/<id>/ for progress, errors and the result file."""

    id = serializers.UUIDField()
    kind = serializers.CharField()
    status = serializers.CharField()


class PhysicianTemplateOutput(serializers.Serializer):
    url = serializers.URLField()
    file_name = serializers.CharField()


def physician_self_output(physician) -> dict:
    """The physician's own record: everything, the ID-card number whole."""
    return PhysicianDetailOutput(physician, context={"user_id": physician.user_id}).data
