from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from organizations import selectors
from organizations.enums import OrganizationKind, OrganizationStatus, RegionLevel


class _StrictInput(serializers.Serializer):
    """Refuses fields it does not declare (400 `not_editable` naming the field), so a client never believes it
    changed what cannot be changed through this endpoint (the kind, or the region of one's own organisation)."""

    def validate(self, attrs):
        unknown = sorted(set(getattr(self, "initial_data", None) or {}) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {f: _("该字段不能在此修改。") for f in unknown}, code="not_editable"
            )
        return attrs


# --- organisations ----------------------------------------------------------------------------------


class OrganizationFilterInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=OrganizationKind.choices, required=False)
    region_code = serializers.CharField(max_length=12, required=False)
    status = serializers.ChoiceField(choices=OrganizationStatus.choices, required=False)
    grade = serializers.CharField(max_length=16, required=False)
    institution_type = serializers.CharField(max_length=32, required=False)
    is_assessment_body = serializers.BooleanField(required=False, allow_null=True, default=None)
    search = serializers.CharField(max_length=128, required=False)


class OrganizationListItemOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=OrganizationKind.choices)
    region_code = serializers.CharField(source="region.code")
    region_name = serializers.CharField(source="region.name")
    region_level = serializers.ChoiceField(source="region.level", choices=RegionLevel.choices)
    region_path = serializers.CharField()
    unified_social_credit_code = serializers.CharField(allow_null=True)
    institution_type = serializers.CharField()
    grade = serializers.CharField()
    status = serializers.ChoiceField(choices=OrganizationStatus.choices)
    is_assessment_body = serializers.BooleanField()
    may_apply_assessment_body = serializers.BooleanField()
    contact_name = serializers.CharField()
    contact_phone = serializers.CharField()


class OrganizationDetailOutput(OrganizationListItemOutput):
    address = serializers.CharField()
    email = serializers.CharField()
    committee_name = serializers.CharField()
    committee_director = serializers.CharField()
    committee_phone = serializers.CharField()
    office_name = serializers.CharField()
    office_director = serializers.CharField()
    office_phone = serializers.CharField()
    office_address = serializers.CharField()
    tenant_slug = serializers.SerializerMethodField(
        help_text="set when the hospital adopted the hospital modules: its routes are /h/<slug>/api/v1/"
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_tenant_slug(self, org) -> str | None:
        tenant = selectors.tenant_of(org)
        return tenant.slug if tenant is not None else None


def _uscc_field():
    # The format is checked by organizations.validators.check_uscc (code `invalid_uscc`), not here.
    return serializers.CharField(max_length=32, required=False)


class OrganizationOwnUpdateInput(_StrictInput):
    """The caller's own organisation: basic information, and a commission's committee and office."""

    name = serializers.CharField(max_length=128, required=False)
    unified_social_credit_code = _uscc_field()
    institution_type = serializers.CharField(max_length=32, required=False, allow_blank=True)
    grade = serializers.CharField(max_length=16, required=False, allow_blank=True)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    contact_name = serializers.CharField(max_length=64, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    committee_name = serializers.CharField(max_length=128, required=False, allow_blank=True)
    committee_director = serializers.CharField(max_length=64, required=False, allow_blank=True)
    committee_phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    office_name = serializers.CharField(max_length=128, required=False, allow_blank=True)
    office_director = serializers.CharField(max_length=64, required=False, allow_blank=True)
    office_phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    office_address = serializers.CharField(max_length=255, required=False, allow_blank=True)


class OrganizationUpdateInput(_StrictInput):
    """An organisation below the calling commission: basic information and its region."""

    name = serializers.CharField(max_length=128, required=False)
    unified_social_credit_code = _uscc_field()
    institution_type = serializers.CharField(max_length=32, required=False, allow_blank=True)
    grade = serializers.CharField(max_length=16, required=False, allow_blank=True)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    contact_name = serializers.CharField(max_length=64, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    region_code = serializers.CharField(
        max_length=12, required=False, help_text="move to this region of the caller's jurisdiction"
    )


# --- departments ------------------------------------------------------------------------------------


class DepartmentFilterInput(serializers.Serializer):
    organization = serializers.UUIDField(required=False, allow_null=True, default=None)
    is_active = serializers.BooleanField(required=False, allow_null=True, default=None)
    search = serializers.CharField(max_length=64, required=False, default="")
    parent = serializers.UUIDField(required=False, allow_null=True, default=None)
    top_level = serializers.BooleanField(required=False, allow_null=True, default=None)


class DepartmentTreeFilterInput(serializers.Serializer):
    organization = serializers.UUIDField(required=False, allow_null=True, default=None)
    is_active = serializers.BooleanField(required=False, allow_null=True, default=None)


class DepartmentOutput(serializers.Serializer):
    id = serializers.UUIDField()
    organization_id = serializers.UUIDField()
    parent_id = serializers.UUIDField(allow_null=True)
    parent_name = serializers.CharField(source="parent.name", allow_null=True, default=None)
    name = serializers.CharField()
    code = serializers.CharField()
    sort_order = serializers.IntegerField()
    is_active = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class DepartmentTreeOutput(serializers.Serializer):
    id = serializers.UUIDField()
    parent_id = serializers.UUIDField(allow_null=True)
    name = serializers.CharField()
    code = serializers.CharField()
    sort_order = serializers.IntegerField()
    is_active = serializers.BooleanField()

    def get_fields(self):
        fields = super().get_fields()
        fields["children"] = DepartmentTreeOutput(many=True)
        return fields


class DepartmentCreateInput(serializers.Serializer):
    name = serializers.CharField(max_length=64)
    code = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    parent_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    sort_order = serializers.IntegerField(min_value=0, max_value=2147483647, required=False, default=0)
    is_active = serializers.BooleanField(required=False, default=True)


class DepartmentUpdateInput(_StrictInput):
    name = serializers.CharField(max_length=64, required=False)
    code = serializers.CharField(max_length=32, required=False, allow_blank=True)
    parent_id = serializers.UUIDField(
        required=False, allow_null=True, help_text="null: move to the top level"
    )
    sort_order = serializers.IntegerField(min_value=0, max_value=2147483647, required=False)
