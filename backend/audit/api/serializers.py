from rest_framework import serializers


class AuditEventFilterInput(serializers.Serializer):
    action = serializers.CharField(max_length=64, required=False, help_text="prefix, e.g. accounts.")
    actor = serializers.CharField(max_length=64, required=False, help_text="actor's username contains")
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    target_type = serializers.CharField(max_length=64, required=False)
    target_id = serializers.CharField(max_length=64, required=False)
    organization_id = serializers.UUIDField(required=False)


class AuditEventOutput(serializers.Serializer):
    id = serializers.UUIDField()
    occurred_at = serializers.DateTimeField()
    action = serializers.CharField()
    actor_id = serializers.UUIDField(allow_null=True)
    actor_name = serializers.CharField()
    organization_id = serializers.UUIDField(allow_null=True)
    region_path = serializers.CharField()
    target_type = serializers.CharField()
    target_id = serializers.CharField()
    ip = serializers.IPAddressField(allow_null=True)
    user_agent = serializers.CharField()
    request_id = serializers.CharField()
    data = serializers.DictField()
