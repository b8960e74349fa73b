from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.viewsets import ViewSet

from accounts.permissions import Perm
from archives import selectors, services
from archives.api.serializers import ArchiveCreateInput, ArchiveOutput
from audit.services import audit_record
from core.pagination import PageNumberPagination
from core.permissions import get_actor
from physicians.selectors import physicians_by_ids


class ArchiveViewSet(ViewSet):
    """A hospital's technical archives (tenant route)."""

    pagination_class = PageNumberPagination  # lists answer {count, next, previous, results}

    permission_codes = {
        "list": Perm.ARCHIVE_VIEW,
        "retrieve": Perm.ARCHIVE_VIEW,
        "create": Perm.ARCHIVE_MANAGE,
    }

    def _context(self, request, archives):
        actor = get_actor(request)
        if actor.is_supervisor:
            audit_record(
                action="supervision.read",
                actor=request.user,
                request=request,
                organization_id=request.tenant.organization_id,
                region_path=request.tenant.region_path,
                target_type="archives.technicalarchive",
                schema_name=request.tenant.schema_name,
                data={"path": request.path, "count": len(archives)},
            )
        return {
            "physicians": physicians_by_ids(a.physician_id for a in archives),
            "masked": actor.is_supervisor,
        }

    @extend_schema(
        operation_id="archives_list",
        parameters=[OpenApiParameter("search", str, required=False)],
        responses=ArchiveOutput(many=True),
    )
    def list(self, request, **kwargs):
        qs = selectors.archive_list_for_actor(
            actor=get_actor(request), search=request.query_params.get("search", "")
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(
            ArchiveOutput(page, many=True, context=self._context(request, page)).data
        )

    @extend_schema(operation_id="archives_retrieve", responses=ArchiveOutput)
    def retrieve(self, request, pk=None, **kwargs):
        archive = selectors.archive_get_for_actor(actor=get_actor(request), archive_id=pk)
        return Response(ArchiveOutput(archive, context=self._context(request, [archive])).data)

    @extend_schema(operation_id="archives_create", request=ArchiveCreateInput, responses={201: ArchiveOutput})
    def create(self, request, **kwargs):
        data = ArchiveCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        archive = services.archive_create(
            actor=request.user, tenant=request.tenant, request=request, **data.validated_data
        )
        return Response(
            ArchiveOutput(archive, context=self._context(request, [archive])).data,
            status=status.HTTP_201_CREATED,
        )
