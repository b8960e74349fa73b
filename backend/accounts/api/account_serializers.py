"""Input and output of delegated account management (/api/v1/accounts/...)."""

from rest_framework import serializers

from accounts.roles import Role
from organizations.enums import OrganizationKind, OrganizationStatus

MAX_BULK = 1000


class AccountFilterInput(serializers.Serializer):
    """Filters of the accounts list and export."""

    kind = serializers.ChoiceField(choices=OrganizationKind.choices, required=False)
    region_code = serializers.CharField(max_length=12, required=False)
    organization = serializers.CharField(max_length=128, required=False)
    organization_id = serializers.UUIDField(required=False)
    search = serializers.CharField(max_length=64, required=False)
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    is_active = serializers.BooleanField(required=False, allow_null=True, default=None)
    may_apply_assessment_body = serializers.BooleanField(required=False, allow_null=True, default=None)

    def to_filters(self) -> dict:
        data = dict(self.validated_data)
        if data.get("organization_id"):
            data["organization_id"] = str(data["organization_id"])
        return {k: v for k, v in data.items() if v is not None and v != ""}


class AccountOrganizationOutput(serializers.Serializer):
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
    email = serializers.CharField()
    status = serializers.ChoiceField(choices=OrganizationStatus.choices)
    may_apply_assessment_body = serializers.BooleanField()
    is_assessment_body = serializers.BooleanField()


class AccountMembershipOutput(serializers.Serializer):
    id = serializers.UUIDField()
    role = serializers.ChoiceField(choices=Role.choices)
    role_label = serializers.CharField(source="get_role_display")
    organization = AccountOrganizationOutput()


class _AccountFields(serializers.Serializer):
    id = serializers.UUIDField()
    username = serializers.CharField()
    name = serializers.CharField()
    phone = serializers.SerializerMethodField()
    email = serializers.CharField()
    is_active = serializers.BooleanField()
    activated = serializers.SerializerMethodField(
        help_text="the account has a password (imported ones don't)"
    )
    must_change_password = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    last_login = serializers.DateTimeField(allow_null=True)

    def get_phone(self, user) -> str:
        from accounts.account_selectors import mask_phone

        return mask_phone(user.phone) if self.context.get("mask") else user.phone

    def get_activated(self, user) -> bool:
        return user.has_usable_password()


class AccountListItemOutput(serializers.Serializer):
    """One row of the list: an account with one of its roles (a membership)."""

    id = serializers.UUIDField(source="user.id")
    membership_id = serializers.UUIDField(source="id")
    username = serializers.CharField(source="user.username")
    name = serializers.CharField(source="user.name")
    phone = serializers.SerializerMethodField()
    email = serializers.CharField(source="user.email")
    is_active = serializers.BooleanField(source="user.is_active")
    activated = serializers.SerializerMethodField()
    role = serializers.ChoiceField(choices=Role.choices)
    role_label = serializers.CharField(source="get_role_display")
    organization = AccountOrganizationOutput()

    def get_phone(self, m) -> str:
        from accounts.account_selectors import mask_phone

        return mask_phone(m.user.phone) if self.context.get("mask") else m.user.phone

    def get_activated(self, m) -> bool:
        return m.user.has_usable_password()


class AccountDetailOutput(_AccountFields):
    memberships = AccountMembershipOutput(many=True)


class AccountCreatedOutput(AccountDetailOutput):
    initial_password = serializers.CharField(
        allow_null=True, help_text="the generated initial password, shown only this once"
    )


class AccountActivatedOutput(AccountDetailOutput):
    initial_password = serializers.CharField(
        allow_null=True, help_text="set when the account had no password yet; shown only this once"
    )


class AccountOrganizationCreateInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=OrganizationKind.choices)
    name = serializers.CharField(max_length=128)
    region_code = serializers.CharField(max_length=12)
    unified_social_credit_code = serializers.CharField(max_length=18, required=False, allow_blank=True)
    institution_type = serializers.CharField(max_length=32, required=False, allow_blank=True)
    grade = serializers.CharField(max_length=16, required=False, allow_blank=True)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    contact_name = serializers.CharField(max_length=64, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)


class AccountCreateInput(serializers.Serializer):
    username = serializers.CharField(max_length=64)
    name = serializers.CharField(max_length=64)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    role = serializers.ChoiceField(
        choices=Role.choices, required=False, help_text="default: the organisation's administrator role"
    )
    password = serializers.CharField(
        max_length=128, required=False, trim_whitespace=False, help_text="default: a generated one"
    )
    organization_id = serializers.UUIDField(required=False, help_text="an existing organisation")
    organization = AccountOrganizationCreateInput(required=False, help_text="or a new one, created with it")


class AccountOrganizationUpdateInput(serializers.Serializer):
    name = serializers.CharField(max_length=128, required=False)
    unified_social_credit_code = serializers.CharField(max_length=18, required=False)
    institution_type = serializers.CharField(max_length=32, required=False, allow_blank=True)
    grade = serializers.CharField(max_length=16, required=False, allow_blank=True)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    contact_name = serializers.CharField(max_length=64, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)


class AccountUpdateInput(serializers.Serializer):
    name = serializers.CharField(max_length=64, required=False)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    membership_id = serializers.UUIDField(
        required=False, help_text="which role to change when the account holds several"
    )
    organization = AccountOrganizationUpdateInput(
        required=False, help_text="basic information of the account's institution or industry organisation"
    )


class AccountPasswordOutput(serializers.Serializer):
    password = serializers.CharField(help_text="the new password, shown only this once")


class AccountBulkActivateInput(serializers.Serializer):
    ids = serializers.ListField(child=serializers.UUIDField(), min_length=1, max_length=MAX_BULK)


class AccountBulkActivateOutput(serializers.Serializer):
    activated = serializers.IntegerField()
    given_password = serializers.ListField(
        child=serializers.UUIDField(), help_text="accounts that received the initial password"
    )
    initial_password = serializers.CharField(
        allow_null=True, help_text="one initial password for all of them, shown only this once"
    )


class OrganizationBulkMayApplyInput(serializers.Serializer):
    ids = serializers.ListField(child=serializers.UUIDField(), min_length=1, max_length=MAX_BULK)


class OrganizationBulkMayApplyOutput(serializers.Serializer):
    updated = serializers.IntegerField()


class AccountImportInput(serializers.Serializer):
    file = serializers.FileField()


class AccountTemplateOutput(serializers.Serializer):
    url = serializers.URLField()
    file_name = serializers.CharField()
