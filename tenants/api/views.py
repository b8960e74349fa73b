from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.permissions import get_actor


class TenantContextView(APIView):
    """Which hospital this tenant route serves and how the caller reaches it (member or supervisor)."""

    @extend_schema(
        operation_id="tenant_context_retrieve",
        responses=inline_serializer(
            "TenantContextOutput",
            {
                "slug": serializers.CharField(),
                "organization_id": serializers.UUIDField(),
                "access": serializers.ChoiceField(choices=["member", "supervisor"]),
                "role": serializers.CharField(),
                "codes": serializers.ListField(child=serializers.CharField()),
            },
        ),
    )
    def get(self, request, **kwargs):
        actor = get_actor(request)
        return Response(
            {
                "slug": request.tenant.slug,
                "organization_id": request.tenant.organization_id,
                "access": str(actor.mode),
                "role": actor.role,
                "codes": sorted(actor.codes),
            }
        )
