from rest_framework import serializers


class AdverseRecordFilterInput(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=64)
    id_card = serializers.CharField(required=False, allow_blank=True, max_length=18)
    licence_number = serializers.CharField(required=False, allow_blank=True, max_length=32)
    kind = serializers.CharField(required=False, allow_blank=True, max_length=64)
    occurred_from = serializers.DateField(required=False, allow_null=True)
    occurred_to = serializers.DateField(required=False, allow_null=True)
    organization_id = serializers.UUIDField(required=False, allow_null=True)
    region = serializers.CharField(required=False, allow_blank=True, max_length=12)
    matched = serializers.BooleanField(required=False, allow_null=True, default=None)


class AdverseRecordOutput(serializers.Serializer):
    """An adverse record; the ID card is always masked."""

    id = serializers.UUIDField()
    name = serializers.CharField()
    id_card_masked = serializers.SerializerMethodField()
    licence_number = serializers.CharField()
    physician_id = serializers.UUIDField(allow_null=True, help_text="the registry physician, when matched")
    organization_id = serializers.SerializerMethodField()
    organization_name = serializers.SerializerMethodField()
    kind = serializers.CharField()
    occurred_on = serializers.DateField()
    description = serializers.CharField()
    source = serializers.CharField()
    created_at = serializers.DateTimeField()

    def get_id_card_masked(self, obj) -> str:
        return f"{'*' * 14}{obj.id_card_last4}" if obj.id_card_last4 else "*" * 18

    def _organization(self, obj):
        if obj.physician_id is not None:
            return obj.physician.organization
        return obj.organization

    def get_organization_id(self, obj) -> str | None:
        org = self._organization(obj)
        return str(org.pk) if org else None

    def get_organization_name(self, obj) -> str:
        org = self._organization(obj)
        return org.name if org else ""


class AdverseRecordImportInput(serializers.Serializer):
    file = serializers.FileField(help_text=".xlsx in the template's columns")


class AdverseRecordJobOutput(serializers.Serializer):
    """A started background job; poll GET /api/v1/jobs/<id>/ for progress, errors and the result."""

    id = serializers.UUIDField()
    kind = serializers.CharField()
    status = serializers.CharField()


class AdverseRecordTemplateOutput(serializers.Serializer):
    url = serializers.URLField()
    file_name = serializers.CharField()
