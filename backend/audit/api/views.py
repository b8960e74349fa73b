"""The audit log, read-only, within the caller's jurisdiction. 审计日志查询。"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.views import APIView

from accounts.permissions import Perm
from audit import selectors
from audit.api.serializers import AuditEventFilterInput, AuditEventOutput
from core.pagination import PageNumberPagination
from core.permissions import get_actor


class AuditEventListView(APIView):
    """Audit rows of the caller's jurisdiction, newest first (append-only: there is nothing to write here)."""

    pagination_class = PageNumberPagination  # lists answer {count, next, previous, results}

    permission_codes = {"get": Perm.AUDIT_VIEW}

    @extend_schema(
        operation_id="audit_events_list",
        parameters=[
            OpenApiParameter("action", str, description="action prefix, e.g. accounts."),
            OpenApiParameter("actor", str, description="actor's username contains"),
            OpenApiParameter("date_from", OpenApiTypes.DATE, description="YYYY-MM-DD, inclusive"),
            OpenApiParameter("date_to", OpenApiTypes.DATE, description="YYYY-MM-DD, inclusive"),
            OpenApiParameter("target_type", str, description="e.g. accounts.user"),
            OpenApiParameter("target_id", str),
            OpenApiParameter("organization_id", str),
        ],
        responses=AuditEventOutput(many=True),
    )
    def get(self, request):
        filters = AuditEventFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        qs = selectors.audit_event_list_for_actor(
            actor=get_actor(request),
            action=data.get("action", ""),
            actor_name=data.get("actor", ""),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            target_type=data.get("target_type", ""),
            target_id=data.get("target_id", ""),
            organization_id=data.get("organization_id"),
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(AuditEventOutput(page, many=True).data)
