from django.conf import settings
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.health import health_report

_ServiceHealth = inline_serializer(
    "ServiceHealth",
    {
        "status": serializers.ChoiceField(choices=["up", "down"]),
        "latency_ms": serializers.FloatField(),
        "error": serializers.CharField(required=False),
    },
)


class HealthView(APIView):
    """Database, Redis, object store and worker, each with status and latency; 503 when one is down."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="health_retrieve",
        responses={
            (200, "application/json"): inline_serializer(
                "HealthOutput",
                {"status": serializers.CharField(), "services": serializers.DictField(child=_ServiceHealth)},
            ),
        },
    )
    def get(self, request):
        ok, services = health_report()
        return Response(
            {"status": "ok" if ok else "degraded", "services": services}, status=200 if ok else 503
        )


class MetaView(APIView):
    """The API level: raised by one on every additive change (see docs/api-changelog.md)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="meta_retrieve",
        responses=inline_serializer("MetaOutput", {"api_level": serializers.IntegerField()}),
    )
    def get(self, request):
        return Response({"api_level": settings.API_LEVEL})
