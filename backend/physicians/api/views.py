"""The physician registry (医师管理): query and view by conditions, add, edit, the nested records, change of
institution, .xlsx import and export as background jobs; and the physician's own record (个人信息, 填报信息).

Commissions read physicians of their jurisdiction with phone numbers masked, and each such read is audited
(`physicians.read`, once per request). ID-card numbers are always masked except to the physician themself.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import Perm
from core import xlsx
from core.pagination import PageNumberPagination
from core.permissions import get_actor
from jobs.services import job_start
from physicians import selectors, services
from physicians.api.serializers import (
    PhysicianCreateInput,
    PhysicianDetailOutput,
    PhysicianEducationRecordsInput,
    PhysicianFilterInput,
    PhysicianImportInput,
    PhysicianJobOutput,
    PhysicianListItemOutput,
    PhysicianPracticeRecordsInput,
    PhysicianSelfUpdateInput,
    PhysicianSitesInput,
    PhysicianTemplateOutput,
    PhysicianTransferInput,
    PhysicianTransferOutput,
    PhysicianUpdateInput,
    audit_filters,
    physician_self_output,
)
from physicians.enums import PhysicianStatus, PostType, PracticeCategory
from physicians.jobs import EXPORT_KIND, IMPORT_COLUMNS, IMPORT_KIND

FILTER_PARAMETERS = [
    OpenApiParameter("name", str, description="name starts with"),
    OpenApiParameter("name_contains", str, description="name contains"),
    OpenApiParameter("id_card", str, description="exact ID-card number"),
    OpenApiParameter("licence_number", str, description="exact licence number"),
    OpenApiParameter("organization_id", str, description="one organisation (UUID)"),
    OpenApiParameter("region", str, description="region code: its whole subtree"),
    OpenApiParameter("department_id", str, description="one department (UUID)"),
    OpenApiParameter("practice_category", str, enum=PracticeCategory.values),
    OpenApiParameter("title", str, description="exact title, e.g. 主治医师"),
    OpenApiParameter("status", str, enum=PhysicianStatus.values),
    OpenApiParameter("post_type", str, enum=PostType.values),
]


def _detail_response(request, physician_id, status_code=200, *, audit_read=False) -> Response:
    """A physician as the caller sees it (phone masked for commissions, ID card only to the physician);
    a commission's read is audited."""
    actor = get_actor(request)
    physician = selectors.physician_get_for_actor(actor=actor, physician_id=physician_id)
    if audit_read and actor.masks_personal_data:
        services.physicians_read_record(
            actor=actor, caller=request.user, request=request, filters={}, rows=1, target=physician
        )
    context = {"mask": actor.masks_personal_data, "user_id": request.user.pk}
    return Response(PhysicianDetailOutput(physician, context=context).data, status=status_code)


def _job_output(job) -> dict:
    return PhysicianJobOutput({"id": job.id, "kind": job.kind, "status": job.status}).data


class PhysicianListCreateView(APIView):
    """Physicians within the caller's reach by conditions (GET); a new one in the caller's institution
    (POST), with their (inactive) login account. 医师管理：条件查询、新增。"""

    pagination_class = PageNumberPagination  # lists answer {count, next, previous, results}

    permission_codes = {"get": Perm.PHYSICIAN_VIEW, "post": Perm.PHYSICIAN_MANAGE}

    @extend_schema(
        operation_id="physicians_list",
        parameters=FILTER_PARAMETERS,
        responses=PhysicianListItemOutput(many=True),
    )
    def get(self, request):
        actor = get_actor(request)
        filters = PhysicianFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = selectors.physician_list_for_actor(actor=actor, **filters.validated_data)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        if actor.masks_personal_data:
            services.physicians_read_record(
                actor=actor,
                caller=request.user,
                request=request,
                filters=audit_filters(filters.to_filters()),
                rows=len(page),
            )
        return paginator.get_paginated_response(
            PhysicianListItemOutput(page, many=True, context={"mask": actor.masks_personal_data}).data
        )

    @extend_schema(
        operation_id="physicians_create", request=PhysicianCreateInput, responses={201: PhysicianDetailOutput}
    )
    def post(self, request):
        data = PhysicianCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        physician = services.physician_create(
            actor=get_actor(request), caller=request.user, request=request, **data.validated_data
        )
        return _detail_response(request, physician.id, status.HTTP_201_CREATED)


class PhysicianDetailView(APIView):
    """One physician with sites, education and practice history and transfers (GET); edit (PATCH, own
    institution only). 查看、编辑医师信息。"""

    permission_codes = {"get": Perm.PHYSICIAN_VIEW, "patch": Perm.PHYSICIAN_MANAGE}

    @extend_schema(operation_id="physicians_retrieve", responses=PhysicianDetailOutput)
    def get(self, request, pk):
        return _detail_response(request, pk, audit_read=True)

    @extend_schema(
        operation_id="physicians_partial_update",
        request=PhysicianUpdateInput,
        responses=PhysicianDetailOutput,
    )
    def patch(self, request, pk):
        actor = get_actor(request)
        selectors.physician_get_for_manage(actor=actor, physician_id=pk)  # 404 before any 400
        data = PhysicianUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.physician_update(
            actor=actor, caller=request.user, physician_id=pk, request=request, **data.validated_data
        )
        return _detail_response(request, pk)


class _RecordsReplaceView(APIView):
    """PUT the whole list of one kind of nested record (own institution only)."""

    permission_codes = {"put": Perm.PHYSICIAN_MANAGE}
    kind = ""
    input_class = None

    def put(self, request, pk):
        actor = get_actor(request)
        selectors.physician_get_for_manage(actor=actor, physician_id=pk)  # 404 before any 400
        data = self.input_class(data=request.data)
        data.is_valid(raise_exception=True)
        services.physician_records_replace(
            actor=actor,
            caller=request.user,
            physician_id=pk,
            kind=self.kind,
            records=data.validated_data[self.kind],
            request=request,
        )
        return _detail_response(request, pk)


class PhysicianSitesView(_RecordsReplaceView):
    """Replace the practice sites (执业地点, 多机构备案); at most one primary."""

    kind = "sites"
    input_class = PhysicianSitesInput

    @extend_schema(
        operation_id="physicians_sites_replace", request=PhysicianSitesInput, responses=PhysicianDetailOutput
    )
    def put(self, request, pk):
        return super().put(request, pk)


class PhysicianEducationRecordsView(_RecordsReplaceView):
    """Replace the education history (教育经历)."""

    kind = "education_records"
    input_class = PhysicianEducationRecordsInput

    @extend_schema(
        operation_id="physicians_education_records_replace",
        request=PhysicianEducationRecordsInput,
        responses=PhysicianDetailOutput,
    )
    def put(self, request, pk):
        return super().put(request, pk)


class PhysicianPracticeRecordsView(_RecordsReplaceView):
    """Replace the practice history (执业经历)."""

    kind = "practice_records"
    input_class = PhysicianPracticeRecordsInput

    @extend_schema(
        operation_id="physicians_practice_records_replace",
        request=PhysicianPracticeRecordsInput,
        responses=PhysicianDetailOutput,
    )
    def put(self, request, pk):
        return super().put(request, pk)


class PhysicianTransferView(APIView):
    """Change the physician's institution (变更医疗卫生机构), by the institution they leave. The history is
    kept (the detail's `transfers`); afterwards the physician belongs to the new institution and is out of
    the caller's reach, so the reply is the transfer record. 变更医疗卫生机构。"""

    permission_codes = {"post": Perm.PHYSICIAN_MANAGE}

    @extend_schema(
        operation_id="physicians_transfer",
        request=PhysicianTransferInput,
        responses={201: PhysicianTransferOutput},
    )
    def post(self, request, pk):
        actor = get_actor(request)
        selectors.physician_get_for_manage(actor=actor, physician_id=pk)  # 404 before any 400
        data = PhysicianTransferInput(data=request.data)
        data.is_valid(raise_exception=True)
        transfer = services.physician_transfer(
            actor=actor,
            caller=request.user,
            physician_id=pk,
            to_organization_id=data.validated_data["to_organization"],
            to_department_id=data.validated_data.get("to_department"),
            reason=data.validated_data["reason"],
            request=request,
        )
        return Response(PhysicianTransferOutput(transfer).data, status=status.HTTP_201_CREATED)


class PhysicianImportView(APIView):
    """Import physicians of the caller's institution from .xlsx as a background job: every row is checked,
    any bad row fails it with a row report and nothing is stored. 导入医师。"""

    permission_codes = {"post": Perm.PHYSICIAN_MANAGE}
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="physicians_import", request=PhysicianImportInput, responses={202: PhysicianJobOutput}
    )
    def post(self, request):
        actor = get_actor(request)
        services.require_institution(actor)
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
        return Response(_job_output(job), status=status.HTTP_202_ACCEPTED)


class PhysicianImportTemplateView(APIView):
    """A download link for the .xlsx import template (its columns are the import's). 导入模板。"""

    permission_codes = {"get": Perm.PHYSICIAN_MANAGE}

    @extend_schema(operation_id="physicians_import_template", responses=PhysicianTemplateOutput)
    def get(self, request):
        return Response(
            PhysicianTemplateOutput(
                xlsx.template_link(IMPORT_COLUMNS, name="医师导入模板.xlsx", slug="physicians-import")
            ).data
        )


class PhysicianExportView(APIView):
    """Export the physician list (same filters and scope as the list) to .xlsx as a background job; ID cards
    masked, phones masked for commissions, audited. 导出医师。"""

    permission_codes = {"post": Perm.PHYSICIAN_VIEW}

    @extend_schema(
        operation_id="physicians_export", request=PhysicianFilterInput, responses={202: PhysicianJobOutput}
    )
    def post(self, request):
        actor = get_actor(request)
        filters = PhysicianFilterInput(data=request.data)
        filters.is_valid(raise_exception=True)
        if filters.validated_data.get("region"):
            selectors.region_path_for_code(filters.validated_data["region"])  # a bad code is a 400 now
        job = job_start(
            kind=EXPORT_KIND,
            user=request.user,
            organization_id=actor.organization_id,
            params={"role": actor.role, "filters": filters.to_filters()},
            request=request,
        )
        return Response(_job_output(job), status=status.HTTP_202_ACCEPTED)


class MyPhysicianView(APIView):
    """The caller's own registry record (个人信息: basic, practice, multi-site filings, education and practice
    history) with the ID-card number whole (GET); the basic information they fill in themself (PATCH,
    填报信息). For the web app and the mini-program."""

    permission_codes = {"get": Perm.SELF_SERVICE, "patch": Perm.SELF_SERVICE}
    miniprogram_allowed = True

    @extend_schema(operation_id="me_physician_retrieve", responses=PhysicianDetailOutput)
    def get(self, request):
        return Response(physician_self_output(selectors.physician_get_own(user=request.user)))

    @extend_schema(
        operation_id="me_physician_partial_update",
        request=PhysicianSelfUpdateInput,
        responses=PhysicianDetailOutput,
    )
    def patch(self, request):
        selectors.physician_get_own(user=request.user)  # 404 before any 400
        data = PhysicianSelfUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.physician_self_update(user=request.user, request=request, **data.validated_data)
        return Response(physician_self_output(selectors.physician_get_own(user=request.user)))
