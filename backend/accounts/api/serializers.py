from rest_framework import serializers

from accounts.roles import Role


class LoginInput(serializers.Serializer):
    username = serializers.CharField(max_length=64)
    password = serializers.CharField(max_length=128, trim_whitespace=False)
    client = serializers.ChoiceField(choices=["web", "miniprogram"], default="web")


class RefreshInput(serializers.Serializer):
    refresh = serializers.CharField(max_length=128)


PASSWORD_CHANGE_REASONS = [
    ("required", "required: first login or after a reset"),
    ("expired", "expired: a staff password older than the maximum age"),
]


class TokenPairOutput(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()
    access_expires_at = serializers.DateTimeField()
    refresh_expires_at = serializers.DateTimeField()
    must_change_password = serializers.BooleanField(
        help_text="Until changed, every endpoint but password change, logout and /me/ answers 403 "
        "password_change_required."
    )
    password_change_reason = serializers.ChoiceField(choices=PASSWORD_CHANGE_REASONS, allow_null=True)


class PasswordChangeInput(serializers.Serializer):
    old_password = serializers.CharField(max_length=128, trim_whitespace=False)
    new_password = serializers.CharField(max_length=128, trim_whitespace=False)


class MembershipOutput(serializers.Serializer):
    id = serializers.UUIDField()
    organization_id = serializers.UUIDField()
    organization_name = serializers.CharField(source="organization.name")
    organization_kind = serializers.CharField(source="organization.kind")
    role = serializers.ChoiceField(choices=Role.choices)
    role_label = serializers.CharField(source="get_role_display")
    tenant_slug = serializers.SerializerMethodField()
    codes = serializers.SerializerMethodField()

    def get_tenant_slug(self, m) -> str | None:
        tenant = getattr(m.organization, "tenant", None)
        return tenant.slug if tenant else None

    def get_codes(self, m) -> list[str]:
        from accounts.roles import codes_for

        return sorted(codes_for(m.role))


class MeOutput(serializers.Serializer):
    id = serializers.UUIDField()
    username = serializers.CharField()
    name = serializers.CharField()
    must_change_password = serializers.BooleanField()
    password_change_reason = serializers.ChoiceField(choices=PASSWORD_CHANGE_REASONS, allow_null=True)
    memberships = MembershipOutput(many=True)
