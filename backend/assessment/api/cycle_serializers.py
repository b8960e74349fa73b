from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessment.enums import CycleStatus


class CycleCreateInput(serializers.Serializer):
    code = serializers.CharField(max_length=16, help_text="e.g. 2024-2026")
    name = serializers.CharField(max_length=64)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()


class CycleUpdateInput(serializers.Serializer):
    code = serializers.CharField(max_length=16, required=False)
    name = serializers.CharField(max_length=64, required=False)
    starts_on = serializers.DateField(required=False)
    ends_on = serializers.DateField(required=False)


class CycleFilterInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=CycleStatus.choices, required=False, allow_blank=True)


class PhaseWindowSchema(serializers.Serializer):
    opens = serializers.DateField()
    closes = serializers.DateField()


class CycleComponentSchema(serializers.Serializer):
    component = serializers.CharField(help_text="enums.Component")
    weight = serializers.FloatField()
    procedures = serializers.ListField(child=serializers.CharField(), required=False)


class CycleSettingsInput(serializers.Serializer):
    """A complete new settings version; the service checks its content (400 with `attr`)."""

    note = serializers.CharField(max_length=255, help_text="why this version is made (required)")
    phases = serializers.DictField(
        child=serializers.DictField(), required=False, help_text='{"self_report": {"opens", "closes"}, ...}'
    )
    department_rating = serializers.BooleanField(required=False, default=True)
    body_review = serializers.BooleanField(required=False, default=True)
    components = serializers.ListField(child=serializers.DictField(), help_text="weights add up to 100")
    result_levels = serializers.DictField(help_text='{"pass": 60, "excellent": 90}')
    simplified_rules = serializers.DictField(required=False, default=dict)
    exemption_rules = serializers.DictField(required=False, default=dict)
    forms = serializers.DictField(required=False, default=dict)
    exam_blueprint_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    publicity_days = serializers.IntegerField(required=False, default=7)
    makeup_allowed = serializers.BooleanField(required=False, default=True)


class CycleSettingsOutput(serializers.Serializer):
    id = serializers.UUIDField()
    cycle_id = serializers.UUIDField()
    version = serializers.IntegerField()
    in_force = serializers.SerializerMethodField()
    phases = serializers.DictField(child=PhaseWindowSchema())
    department_rating = serializers.BooleanField()
    body_review = serializers.BooleanField()
    components = CycleComponentSchema(many=True)
    result_levels = serializers.DictField(child=serializers.FloatField())
    simplified_rules = serializers.JSONField()
    exemption_rules = serializers.JSONField()
    forms = serializers.JSONField()
    exam_blueprint_id = serializers.UUIDField(allow_null=True)
    publicity_days = serializers.IntegerField()
    makeup_allowed = serializers.BooleanField()
    note = serializers.CharField()
    created_by_name = serializers.CharField(source="created_by.name")
    created_at = serializers.DateTimeField()

    def get_in_force(self, obj) -> bool:
        return obj.pk == self.context.get("in_force_id")


class CycleOutput(serializers.Serializer):
    id = serializers.UUIDField()
    code = serializers.CharField()
    name = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    status = serializers.ChoiceField(choices=CycleStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    settings_id = serializers.UUIDField(allow_null=True)
    settings_version = serializers.IntegerField(source="settings.version", allow_null=True, default=None)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class CycleDetailOutput(CycleOutput):
    settings = serializers.SerializerMethodField(help_text="the version in force")

    @extend_schema_field(CycleSettingsOutput(allow_null=True))
    def get_settings(self, obj):
        if obj.settings is None:
            return None
        return CycleSettingsOutput(obj.settings, context={"in_force_id": obj.settings_id}).data
