"""Adverse records (不良记录): the province imports them from .xlsx (Perm.ADVERSE_IMPORT, a background job,
all or nothing with a row report); commissions, institutions, industry organisations and assessment bodies
query them within their reach (Perm.ADVERSE_VIEW; selectors.adverse). ID cards are always masked; a
commission's reads are audited."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import Perm
from assessment.api.adverse_serializers import (
    AdverseRecordFilterInput,
    AdverseRecordImportInput,
    AdverseRecordJobOutput,
    AdverseRecordOutput,
    AdverseRecordTemplateOutput,
)
from assessment.jobs.adverse import IMPORT_COLUMNS, IMPORT_KIND
from assessment.selectors import adverse as selectors
from assessment.services import adverse as services
from core import xlsx
from core.pagination import PageNumberPagination
from core.permissions import get_actor
from jobs.services import job_start

FILTER_PARAMETERS = [
    OpenApiParameter("name", str, description="name contains"),
    OpenApiParameter("id_card", str, description="exact ID-card number"),
    OpenApiParameter("licence_number", str, description="exact licence number"),
    OpenApiParameter("kind", str, description="kind contains"),
    OpenApiParameter("occurred_from", str, description="YYYY-MM-DD, inclusive"),
    OpenApiParameter("occurred_to", str, description="YYYY-MM-DD, inclusive"),
    OpenApiParameter("organization_id", str, description="institution id"),
    OpenApiParameter("region", str, description="region code: its whole subtree"),
    OpenApiParameter("matched", bool, description="linked to a registry physician"),
]


class AdverseRecordListView(APIView):
    """Adverse records within the caller's reach, by conditions, newest first. 不良记录查询。"""

    pagination_class = PageNumberPagination
    permission_codes = {"get": Perm.ADVERSE_VIEW}

    @extend_schema(
        operation_id="adverse_records_list",
        parameters=FILTER_PARAMETERS,
        responses=AdverseRecordOutput(many=True),
    )
    def get(self, request):
        actor = get_actor(request)
        filters = AdverseRecordFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = selectors.adverse_record_list_for_actor(actor=actor, **filters.validated_data)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        if actor.masks_personal_data:
            services.adverse_records_read_record(
                actor=actor, user=request.user, request=request, rows=len(page)
            )
        return paginator.get_paginated_response(AdverseRecordOutput(page, many=True).data)


class AdverseRecordDetailView(APIView):
    """One adverse record within the caller's reach. 查看不良记录。"""

    permission_codes = {"get": Perm.ADVERSE_VIEW}

    @extend_schema(operation_id="adverse_records_retrieve", responses=AdverseRecordOutput)
    def get(self, request, record_id):
        actor = get_actor(request)
        record = selectors.adverse_record_get_for_actor(actor=actor, record_id=record_id)
        if actor.masks_personal_data:
            services.adverse_records_read_record(
                actor=actor, user=request.user, request=request, rows=1, target=record
            )
        return Response(AdverseRecordOutput(record).data)


class AdverseRecordImportView(APIView):
    """Import adverse records from .xlsx as a background job (the province). 导入不良记录。"""

    permission_codes = {"post": Perm.ADVERSE_IMPORT}
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="adverse_records_import",
        request=AdverseRecordImportInput,
        responses={202: AdverseRecordJobOutput},
    )
    def post(self, request):
        actor = get_actor(request)
        services.require_importer(actor)
        upload = request.FILES.get("file")
        xlsx.check_xlsx_upload(upload)
        job = job_start(
            kind=IMPORT_KIND,
            user=request.user,
            organization_id=actor.organization_id,
            params={"role": actor.role},
            upload=upload,
            request=request,
        )
        return Response(
            AdverseRecordJobOutput({"id": job.id, "kind": job.kind, "status": job.status}).data,
            status=status.HTTP_202_ACCEPTED,
        )


class AdverseRecordImportTemplateView(APIView):
    """A download link for the adverse-record import template. 导入模板。"""

    permission_codes = {"get": Perm.ADVERSE_IMPORT}

    @extend_schema(operation_id="adverse_records_import_template", responses=AdverseRecordTemplateOutput)
    def get(self, request):
        return Response(
            AdverseRecordTemplateOutput(
                xlsx.template_link(IMPORT_COLUMNS, name="不良记录导入模板.xlsx", slug="adverse-import")
            ).data
        )
