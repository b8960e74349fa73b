from rest_framework import serializers


class ArchiveCreateInput(serializers.Serializer):
    physician_id = serializers.UUIDField()
    department_id = serializers.UUIDField(required=False, allow_null=True)
    employee_number = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    title = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    joined_on = serializers.DateField(required=False, allow_null=True)


class ArchiveOutput(serializers.Serializer):
    id = serializers.UUIDField()
    physician_id = serializers.UUIDField()
    physician_name = serializers.SerializerMethodField()
    department_id = serializers.UUIDField(allow_null=True)
    employee_number = serializers.CharField()
    title = serializers.CharField()
    joined_on = serializers.DateField(allow_null=True)
    phone = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def _physician(self, obj):
        return self.context.get("physicians", {}).get(obj.physician_id)

    def get_physician_name(self, obj) -> str:
        p = self._physician(obj)
        return p.name if p else ""

    def get_phone(self, obj) -> str:
        """Masked for supervisory readers (personal data)."""
        p = self._physician(obj)
        if not p or not p.phone:
            return ""
        if self.context.get("masked"):
            return p.phone[:3] + "****" + p.phone[-4:]
        return p.phone
