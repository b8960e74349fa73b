"""OpenAPI: one tag per app (the app the view lives in), error responses described by drf-standardized-errors."""

from drf_standardized_errors.openapi import AutoSchema as ErrorsAutoSchema


class AutoSchema(ErrorsAutoSchema):
    def get_tags(self):
        tags = getattr(self.view, "openapi_tags", None)
        if tags:
            return list(tags)
        return [self.view.__class__.__module__.split(".")[0]]


# Error bodies for the statuses drf-standardized-errors has no serializer for (same shape as the others).
from drf_standardized_errors.openapi_serializers import ClientErrorEnum, ServerErrorEnum  # noqa: E402
from rest_framework import serializers  # noqa: E402


class ErrorItem(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class ErrorResponse409Serializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = ErrorItem(many=True)


class ErrorResponse503Serializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ServerErrorEnum.choices)
    errors = ErrorItem(many=True)
