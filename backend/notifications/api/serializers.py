from rest_framework import serializers

from notifications.enums import LinkType, NotificationKind


class NotificationFilterInput(serializers.Serializer):
    unread = serializers.BooleanField(required=False, allow_null=True, default=None)


class NotificationLinkOutput(serializers.Serializer):
    type = serializers.ChoiceField(choices=LinkType.choices)
    id = serializers.UUIDField(allow_null=True)


class NotificationOutput(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=NotificationKind.choices)
    title = serializers.CharField()
    body = serializers.CharField()
    phase = serializers.CharField()
    link = NotificationLinkOutput(allow_null=True)
    read = serializers.BooleanField()
    read_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class NotificationUnreadCountOutput(serializers.Serializer):
    count = serializers.IntegerField()


class NotificationReadAllOutput(serializers.Serializer):
    marked = serializers.IntegerField()
