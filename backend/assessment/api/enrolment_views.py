"""Enrolment (医师管理 of the institution): the physicians not enrolled yet (query, enrol one or in bulk or by
import, reset a password), the enrolled (query, view with history, export, withdraw, delete one added by
mistake, reset a password). Adding and importing physicians are the registry's own endpoints
(/api/v1/physicians/).

Writes are the institution's (Perm.ENROLMENT_MANAGE, its own physicians only: 404 otherwise). Reads of the
enrolled (Perm.ENROLMENT_VIEW) reach what selectors.enrolments says; a commission's reads are masked and
audited.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import Perm
from assessment.api.enrolment_serializers import (
    EnrolmentBulkCreateInput,
    EnrolmentBulkCreateOutput,
    EnrolmentCandidateFilterInput,
    EnrolmentCandidateOutput,
    EnrolmentCreateInput,
    EnrolmentDetailOutput,
    EnrolmentFilterInput,
    EnrolmentImportInput,
    EnrolmentItemOutput,
    EnrolmentJobOutput,
    EnrolmentPasswordResetOutput,
    EnrolmentTemplateOutput,
    EnrolmentWithdrawInput,
)
from assessment.enums import EnrolmentStatus, Procedure
from assessment.jobs.enrolments import EXPORT_KIND, IMPORT_COLUMNS, IMPORT_KIND
from assessment.selectors import cycles as cycle_selectors
from assessment.selectors import enrolments as selectors
from assessment.services import enrolments as services
from assessment.workflow import ENROLMENT_FLOW
from core import xlsx
from core.pagination import PageNumberPagination
from core.permissions import get_actor
from jobs.services import job_start
from physicians.enums import PracticeCategory
from physicians.selectors import region_path_for_code

CANDIDATE_PARAMETERS = [
    OpenApiParameter("name", str, description="name contains"),
    OpenApiParameter("department_id", str, description="department id"),
    OpenApiParameter("title", str, description="exact title, e.g. 主治医师"),
    OpenApiParameter("practice_category", str, enum=PracticeCategory.values),
]
ENROLMENT_PARAMETERS = [
    OpenApiParameter("cycle", str, description="cycle id"),
    OpenApiParameter("status", str, enum=EnrolmentStatus.values),
    OpenApiParameter("procedure", str, enum=Procedure.values),
    OpenApiParameter("department", str, description="department id"),
    OpenApiParameter("title", str, description="exact title"),
    OpenApiParameter("name", str, description="physician name contains"),
    OpenApiParameter("organization", str, description="institution id (commissions, assessment bodies)"),
    OpenApiParameter("region", str, description="region code: its whole subtree (commissions)"),
]


def _job_output(job) -> dict:
    return EnrolmentJobOutput({"id": job.id, "kind": job.kind, "status": job.status}).data


def _history_rows(history) -> list[dict]:
    return [
        {
            "id": h.id,
            "action": h.action,
            "action_label": ENROLMENT_FLOW.action_label(h.action),
            "from_state": h.from_state,
            "to_state": h.to_state,
            "actor_name": h.actor_name,
            "comment": h.comment,
            "created_at": h.created_at,
        }
        for h in history
    ]


def _detail_data(request, actor, enrolment) -> dict:
    actions = []
    if actor.has(Perm.ENROLMENT_MANAGE) and enrolment.organization_id == actor.organization_id:
        if ENROLMENT_FLOW.target(enrolment.status, "withdraw"):
            actions.append("withdraw")
        if enrolment.status == EnrolmentStatus.ENROLLED and selectors.enrolment_untouched(enrolment):
            actions.append("delete")
    context = {
        "mask": actor.masks_personal_data,
        "history": _history_rows(selectors.enrolment_history(enrolment)),
        "actions": actions,
    }
    return EnrolmentDetailOutput(enrolment, context=context).data


# --- candidates: physicians of the institution not enrolled yet -----------------------------------------


class EnrolmentCandidateListView(APIView):
    """Active physicians of the caller's institution not enrolled in the cycle yet. 未参加本周期的医师。"""

    pagination_class = PageNumberPagination
    permission_codes = {"get": Perm.ENROLMENT_MANAGE}

    @extend_schema(
        operation_id="cycles_candidates_list",
        parameters=CANDIDATE_PARAMETERS,
        responses=EnrolmentCandidateOutput(many=True),
    )
    def get(self, request, cycle_id):
        actor = get_actor(request)
        services.require_manager(actor)
        cycle = cycle_selectors.cycle_get(actor=actor, cycle_id=cycle_id)
        filters = EnrolmentCandidateFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = selectors.candidate_list(actor=actor, cycle=cycle, **filters.validated_data)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(EnrolmentCandidateOutput(page, many=True).data)


class EnrolmentCandidatePasswordResetView(APIView):
    """A new password for a physician of the institution not enrolled yet (shown once). 重置密码。"""

    permission_codes = {"post": Perm.ENROLMENT_MANAGE}

    @extend_schema(
        operation_id="cycles_candidates_reset_password", request=None, responses=EnrolmentPasswordResetOutput
    )
    def post(self, request, cycle_id, physician_id):
        actor = get_actor(request)
        services.require_manager(actor)
        cycle_selectors.cycle_get(actor=actor, cycle_id=cycle_id)
        result = services.candidate_password_reset(
            actor=actor, user=request.user, physician_id=physician_id, request=request
        )
        return Response(EnrolmentPasswordResetOutput(result).data)


# --- enrol: one, in bulk, by import ---------------------------------------------------------------------


class EnrolmentCreateView(APIView):
    """Enrol one physician of the institution in the cycle in progress. 参加。"""

    permission_codes = {"post": Perm.ENROLMENT_MANAGE}

    @extend_schema(
        operation_id="cycles_enrolments_create",
        request=EnrolmentCreateInput,
        responses={201: EnrolmentDetailOutput},
    )
    def post(self, request, cycle_id):
        actor = get_actor(request)
        services.require_manager(actor)
        cycle_selectors.cycle_get(actor=actor, cycle_id=cycle_id)  # 404 before 400
        data = EnrolmentCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        enrolment = services.enrolment_create(
            actor=actor,
            user=request.user,
            cycle_id=cycle_id,
            physician_id=data.validated_data["physician"],
            request=request,
        )
        enrolment = selectors.enrolment_get_for_actor(actor=actor, enrolment_id=enrolment.pk)
        return Response(_detail_data(request, actor, enrolment), status=status.HTTP_201_CREATED)


class EnrolmentBulkCreateView(APIView):
    """Enrol many physicians at once, all or nothing (404 when any is not the institution's, 409 when any
    is already enrolled). 批量参加。"""

    permission_codes = {"post": Perm.ENROLMENT_MANAGE}

    @extend_schema(
        operation_id="cycles_enrolments_bulk_create",
        request=EnrolmentBulkCreateInput,
        responses={201: EnrolmentBulkCreateOutput},
    )
    def post(self, request, cycle_id):
        actor = get_actor(request)
        services.require_manager(actor)
        cycle_selectors.cycle_get(actor=actor, cycle_id=cycle_id)
        data = EnrolmentBulkCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        enrolments = services.enrolments_bulk_create(
            actor=actor,
            user=request.user,
            cycle_id=cycle_id,
            physician_ids=data.validated_data["physicians"],
            request=request,
        )
        return Response(
            EnrolmentBulkCreateOutput({"enrolled": len(enrolments), "ids": [e.pk for e in enrolments]}).data,
            status=status.HTTP_201_CREATED,
        )


class EnrolmentImportView(APIView):
    """Enrol by an .xlsx of licence numbers or ID-card numbers, as a background job: every row checked,
    any bad row fails it with a row report and nobody is enrolled. 导入参加。"""

    permission_codes = {"post": Perm.ENROLMENT_MANAGE}
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="cycles_enrolments_import",
        request=EnrolmentImportInput,
        responses={202: EnrolmentJobOutput},
    )
    def post(self, request, cycle_id):
        actor = get_actor(request)
        services.require_manager(actor)
        cycle = services.active_cycle_for_enrolment(actor=actor, cycle_id=cycle_id)
        upload = request.FILES.get("file")
        xlsx.check_xlsx_upload(upload)
        job = job_start(
            kind=IMPORT_KIND,
            user=request.user,
            organization_id=actor.organization_id,
            params={"role": actor.role, "cycle_id": str(cycle.pk)},
            upload=upload,
            request=request,
        )
        return Response(_job_output(job), status=status.HTTP_202_ACCEPTED)


class EnrolmentImportTemplateView(APIView):
    """A download link for the enrolment import template. 导入模板。"""

    permission_codes = {"get": Perm.ENROLMENT_MANAGE}

    @extend_schema(operation_id="enrolments_import_template", responses=EnrolmentTemplateOutput)
    def get(self, request):
        return Response(
            EnrolmentTemplateOutput(
                xlsx.template_link(IMPORT_COLUMNS, name="参加考核导入模板.xlsx", slug="enrolments-import")
            ).data
        )


# --- the enrolled ---------------------------------------------------------------------------------------


class EnrolmentListView(APIView):
    """The enrolled within the caller's reach, by conditions. 已参加本周期的医师。"""

    pagination_class = PageNumberPagination
    permission_codes = {"get": Perm.ENROLMENT_VIEW}

    @extend_schema(
        operation_id="enrolments_list",
        parameters=ENROLMENT_PARAMETERS,
        responses=EnrolmentItemOutput(many=True),
    )
    def get(self, request):
        actor = get_actor(request)
        filters = EnrolmentFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = selectors.enrolment_list_for_actor(actor=actor, **filters.to_filters())
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        if actor.masks_personal_data:
            services.enrolments_read_record(
                actor=actor, user=request.user, request=request, rows=len(page), filters=filters.to_filters()
            )
        return paginator.get_paginated_response(
            EnrolmentItemOutput(page, many=True, context={"mask": actor.masks_personal_data}).data
        )


class EnrolmentExportView(APIView):
    """Export the enrolled (same filters and reach as the list) to .xlsx as a background job. 导出。"""

    permission_codes = {"post": Perm.ENROLMENT_VIEW}

    @extend_schema(
        operation_id="enrolments_export", request=EnrolmentFilterInput, responses={202: EnrolmentJobOutput}
    )
    def post(self, request):
        actor = get_actor(request)
        filters = EnrolmentFilterInput(data=request.data)
        filters.is_valid(raise_exception=True)
        if filters.validated_data.get("region"):
            region_path_for_code(filters.validated_data["region"])  # a bad code is a 400 now
        job = job_start(
            kind=EXPORT_KIND,
            user=request.user,
            organization_id=actor.organization_id,
            params={"role": actor.role, "filters": filters.to_filters()},
            request=request,
        )
        return Response(_job_output(job), status=status.HTTP_202_ACCEPTED)


class EnrolmentDetailView(APIView):
    """One enrolment with its history (GET); delete one added by mistake, only while untouched (DELETE,
    the institution). 查看、删除。"""

    permission_codes = {"get": Perm.ENROLMENT_VIEW, "delete": Perm.ENROLMENT_MANAGE}

    @extend_schema(operation_id="enrolments_retrieve", responses=EnrolmentDetailOutput)
    def get(self, request, enrolment_id):
        actor = get_actor(request)
        enrolment = selectors.enrolment_get_for_actor(actor=actor, enrolment_id=enrolment_id)
        if actor.masks_personal_data:
            services.enrolments_read_record(
                actor=actor, user=request.user, request=request, rows=1, target=enrolment
            )
        return Response(_detail_data(request, actor, enrolment))

    @extend_schema(operation_id="enrolments_destroy", responses={204: None})
    def delete(self, request, enrolment_id):
        services.enrolment_delete(
            actor=get_actor(request), user=request.user, enrolment_id=enrolment_id, request=request
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class EnrolmentWithdrawView(APIView):
    """Withdraw from the cycle before the report is submitted (history kept). 取消参加。"""

    permission_codes = {"post": Perm.ENROLMENT_MANAGE}

    @extend_schema(
        operation_id="enrolments_withdraw", request=EnrolmentWithdrawInput, responses=EnrolmentDetailOutput
    )
    def post(self, request, enrolment_id):
        actor = get_actor(request)
        services.require_manager(actor)
        selectors.enrolment_get_for_manage(actor=actor, enrolment_id=enrolment_id)  # 404 before 400
        data = EnrolmentWithdrawInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.enrolment_withdraw(
            actor=actor,
            user=request.user,
            enrolment_id=enrolment_id,
            comment=data.validated_data["comment"],
            request=request,
        )
        enrolment = selectors.enrolment_get_for_actor(actor=actor, enrolment_id=enrolment_id)
        return Response(_detail_data(request, actor, enrolment))


class EnrolmentPasswordResetView(APIView):
    """A new password for the enrolled physician's account, shown once, to be changed at the next login.
    重置密码。"""

    permission_codes = {"post": Perm.ENROLMENT_MANAGE}

    @extend_schema(
        operation_id="enrolments_reset_password", request=None, responses=EnrolmentPasswordResetOutput
    )
    def post(self, request, enrolment_id):
        result = services.enrolment_password_reset(
            actor=get_actor(request), user=request.user, enrolment_id=enrolment_id, request=request
        )
        return Response(EnrolmentPasswordResetOutput(result).data)
