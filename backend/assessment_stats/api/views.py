"""Progress and statistics of a cycle (进度管理, 考核统计) within the caller's reach, and cycle histories
(历史考核结果查询).

- GET  cycles/<id>/progress/            counts per stage, completion and pass rates, grouped by ?by=
- GET  cycles/<id>/progress/makeup/     make-up results table (补考考核结果统计)
- GET  cycles/<id>/progress/final/      final results table (最终考核结果统计)
- GET  cycles/<id>/progress/chart/      the same figures as chart series {labels, series}
- POST cycles/<id>/progress/export/     one of the three tables as .xlsx (background job)
- GET  cycles/<id>/progress/physicians/ per-physician progress and test progress (ID cards masked)
- POST cycles/<id>/progress/physicians/export/
- GET  physicians/<id>/cycles/          a physician's cycles (registry reach)
- GET  me/cycles/                       the caller's own cycles (mini-program too)

Group tables are paginated (`page`, `page_size` <= 100) and carry `totals` over every group.
"""

from assessment.selectors.cycles import cycle_get
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import Perm
from assessment_stats import selectors, services
from assessment_stats.api.serializers import (
    CycleHistoryOutput,
    FinalResultPageOutput,
    FinalResultRowOutput,
    MakeupResultPageOutput,
    MakeupResultRowOutput,
    ProgressChartFilterInput,
    ProgressChartOutput,
    ProgressExportInput,
    ProgressFilterInput,
    ProgressPageOutput,
    ProgressPhysicianFilterInput,
    ProgressPhysicianOutput,
    ProgressRowOutput,
    StatsJobOutput,
)
from assessment_stats.jobs import PHYSICIANS_EXPORT_KIND, TABLE_EXPORT_KIND
from core.pagination import PageNumberPagination
from core.permissions import get_actor
from jobs.services import job_start
from physicians.selectors import region_path_for_code

GROUP_PARAMETERS = [
    OpenApiParameter(
        "by", str, enum=[g.value for g in selectors.GroupBy], description="grouping (default region)"
    ),
    OpenApiParameter(
        "region", str, description="region code: only its subtree (and `by=region` its children)"
    ),
    OpenApiParameter("organization_id", str, description="institution id"),
    OpenApiParameter("department_id", str, description="department id"),
    OpenApiParameter("title", str, description="exact title"),
    OpenApiParameter("procedure", str, enum=["general", "simplified", "exempt"]),
]
PAGE_PARAMETERS = [
    OpenApiParameter("page", int, description="page number"),
    OpenApiParameter("page_size", int, description="groups per page (<= 100)"),
]
PHYSICIAN_PARAMETERS = [
    OpenApiParameter("status", str, description="enrolment status"),
    OpenApiParameter("procedure", str, enum=["general", "simplified", "exempt"]),
    OpenApiParameter("result_level", str, enum=["excellent", "pass", "fail"]),
    OpenApiParameter("department_id", str, description="department id"),
    OpenApiParameter("title", str, description="exact title"),
    OpenApiParameter("name", str, description="name contains"),
    OpenApiParameter("organization_id", str, description="institution id"),
    OpenApiParameter("region", str, description="region code: its whole subtree"),
]


def _groups(request, cycle_id, filters_class=ProgressFilterInput):
    actor = get_actor(request)
    cycle = cycle_get(actor=actor, cycle_id=cycle_id)
    filters = filters_class(data=request.query_params)
    filters.is_valid(raise_exception=True)
    data = dict(filters.validated_data)
    extra = {k: data.pop(k) for k in ("limit",) if k in data}
    totals, groups = selectors.progress_groups(actor=actor, cycle=cycle, **data)
    return data["by"], totals, groups, extra


def _table_response(view, request, cycle_id, row_serializer):
    by, totals, groups, _extra = _groups(request, cycle_id)
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(groups, request, view=view)
    paged = paginator.get_paginated_response(row_serializer(page, many=True).data).data
    return Response({"by": by, "totals": row_serializer(totals | {"key": "", "label": ""}).data, **paged})


class ProgressView(APIView):
    """Progress statistics of a cycle within the caller's reach: counts per stage, completion, pass and
    excellence rates, grouped by region (a commission's child regions), institution, department, title or
    procedure. 考核进度统计表。"""

    permission_codes = {"get": Perm.STATS_VIEW}

    @extend_schema(
        operation_id="cycles_progress_retrieve",
        parameters=GROUP_PARAMETERS + PAGE_PARAMETERS,
        responses=ProgressPageOutput,
    )
    def get(self, request, cycle_id):
        return _table_response(self, request, cycle_id, ProgressRowOutput)


class MakeupResultView(APIView):
    """Make-up results of a cycle within reach, grouped like the progress table. 补考考核结果统计表。"""

    permission_codes = {"get": Perm.STATS_VIEW}

    @extend_schema(
        operation_id="cycles_progress_makeup_retrieve",
        parameters=GROUP_PARAMETERS + PAGE_PARAMETERS,
        responses=MakeupResultPageOutput,
    )
    def get(self, request, cycle_id):
        return _table_response(self, request, cycle_id, MakeupResultRowOutput)


class FinalResultView(APIView):
    """Final results of a cycle within reach, grouped like the progress table. 最终考核结果统计表。"""

    permission_codes = {"get": Perm.STATS_VIEW}

    @extend_schema(
        operation_id="cycles_progress_final_retrieve",
        parameters=GROUP_PARAMETERS + PAGE_PARAMETERS,
        responses=FinalResultPageOutput,
    )
    def get(self, request, cycle_id):
        return _table_response(self, request, cycle_id, FinalResultRowOutput)


class ProgressChartView(APIView):
    """The progress figures as chart series: one label per group, one series per figure (counts and
    rates 0..1). Institutions and departments: the `limit` largest. 统计图表数据。"""

    permission_codes = {"get": Perm.STATS_VIEW}

    @extend_schema(
        operation_id="cycles_progress_chart_retrieve",
        parameters=[
            *GROUP_PARAMETERS,
            OpenApiParameter("limit", int, description="at most this many groups"),
        ],
        responses=ProgressChartOutput,
    )
    def get(self, request, cycle_id):
        by, _totals, groups, extra = _groups(request, cycle_id, ProgressChartFilterInput)
        return Response(
            ProgressChartOutput(selectors.progress_chart(groups, by=by, limit=extra["limit"])).data
        )


def _job_output(job) -> dict:
    return StatsJobOutput({"id": job.id, "kind": job.kind, "status": job.status}).data


class ProgressExportView(APIView):
    """Export the progress, make-up results or final results table (`table`) with its grouping and filters
    to .xlsx, as a background job (poll /jobs/<id>/). 统计表导出。"""

    permission_codes = {"post": Perm.STATS_VIEW}

    @extend_schema(
        operation_id="cycles_progress_export", request=ProgressExportInput, responses={202: StatsJobOutput}
    )
    def post(self, request, cycle_id):
        actor = get_actor(request)
        cycle = cycle_get(actor=actor, cycle_id=cycle_id)
        data = ProgressExportInput(data=request.data)
        data.is_valid(raise_exception=True)
        if data.validated_data.get("region"):
            region_path_for_code(data.validated_data["region"])  # a bad code is a 400 now
        job = job_start(
            kind=TABLE_EXPORT_KIND,
            user=request.user,
            organization_id=actor.organization_id,
            params={"role": actor.role, "cycle_id": str(cycle.pk), "filters": data.to_filters()},
            request=request,
        )
        return Response(_job_output(job), status=status.HTTP_202_ACCEPTED)


class ProgressPhysicianListView(APIView):
    """Per-physician progress of a cycle within reach: status, procedure, test scores (main and make-up),
    total and result. ID cards masked; a commission's reads are audited. 医师考核进度、测评进度。"""

    pagination_class = PageNumberPagination
    permission_codes = {"get": Perm.STATS_VIEW}

    @extend_schema(
        operation_id="cycles_progress_physicians_list",
        parameters=PHYSICIAN_PARAMETERS,
        responses=ProgressPhysicianOutput(many=True),
    )
    def get(self, request, cycle_id):
        actor = get_actor(request)
        cycle = cycle_get(actor=actor, cycle_id=cycle_id)
        filters = ProgressPhysicianFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = selectors.progress_physician_list(actor=actor, cycle=cycle, **filters.validated_data)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        if actor.masks_personal_data:
            services.progress_physicians_read_record(
                actor=actor, user=request.user, request=request, cycle=cycle, rows=len(page)
            )
        return paginator.get_paginated_response(ProgressPhysicianOutput(page, many=True).data)


class ProgressPhysicianExportView(APIView):
    """Export the per-physician progress (same filters and reach as the list) to .xlsx as a background job.
    医师考核进度导出。"""

    permission_codes = {"post": Perm.STATS_VIEW}

    @extend_schema(
        operation_id="cycles_progress_physicians_export",
        request=ProgressPhysicianFilterInput,
        responses={202: StatsJobOutput},
    )
    def post(self, request, cycle_id):
        actor = get_actor(request)
        cycle = cycle_get(actor=actor, cycle_id=cycle_id)
        filters = ProgressPhysicianFilterInput(data=request.data)
        filters.is_valid(raise_exception=True)
        if filters.validated_data.get("region"):
            region_path_for_code(filters.validated_data["region"])
        job = job_start(
            kind=PHYSICIANS_EXPORT_KIND,
            user=request.user,
            organization_id=actor.organization_id,
            params={"role": actor.role, "cycle_id": str(cycle.pk), "filters": filters.to_filters()},
            request=request,
        )
        return Response(_job_output(job), status=status.HTTP_202_ACCEPTED)


class PhysicianCycleListView(APIView):
    """Every cycle of a physician within the caller's registry reach, newest first: status, procedure,
    scores, result, certificate. 历史考核结果查询。"""

    pagination_class = PageNumberPagination
    permission_codes = {"get": Perm.PHYSICIAN_VIEW}

    @extend_schema(operation_id="physicians_cycles_list", responses=CycleHistoryOutput(many=True))
    def get(self, request, physician_id):
        actor = get_actor(request)
        qs = selectors.physician_cycle_list(actor=actor, physician_id=physician_id)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        if actor.masks_personal_data:
            services.physician_cycles_read_record(
                actor=actor, user=request.user, request=request, physician_id=physician_id, rows=len(page)
            )
        return paginator.get_paginated_response(CycleHistoryOutput(page, many=True).data)


class MyCycleListView(APIView):
    """The caller's own cycles, newest first (the physician's 考核结果, every cycle). Mini-program too."""

    pagination_class = PageNumberPagination
    permission_codes = {"get": Perm.SELF_SERVICE}
    miniprogram_allowed = True

    @extend_schema(operation_id="me_cycles_list", responses=CycleHistoryOutput(many=True))
    def get(self, request):
        qs = selectors.my_cycle_list(user=request.user)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(CycleHistoryOutput(page, many=True).data)
