"""Assessment cycles and their settings (考核设置): every member of an organisation (staff, physicians)
reads them, past cycles and every settings version included; only the province writes them
(Perm.ASSESSMENT_SETTINGS). A settings change is a new version put in force, never an edit."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import Perm
from assessment.api.cycle_serializers import (
    CycleCreateInput,
    CycleDetailOutput,
    CycleFilterInput,
    CycleOutput,
    CycleSettingsInput,
    CycleSettingsOutput,
    CycleUpdateInput,
)
from assessment.enums import CycleStatus
from assessment.selectors import cycles as selectors
from assessment.services import cycles as services
from core.errors import NotFound
from core.pagination import PageNumberPagination
from core.permissions import get_actor


def _detail(cycle_id, actor, status_code=200) -> Response:
    cycle = selectors.cycle_get(actor=actor, cycle_id=cycle_id)
    return Response(CycleDetailOutput(cycle).data, status=status_code)


class CycleListCreateView(APIView):
    """Cycles, newest first (GET, any member); a new draft cycle (POST, the province). 考核周期。"""

    pagination_class = PageNumberPagination
    permission_codes = {"post": Perm.ASSESSMENT_SETTINGS}  # reading needs a membership only

    @extend_schema(
        operation_id="cycles_list",
        parameters=[OpenApiParameter("status", str, enum=CycleStatus.values)],
        responses=CycleOutput(many=True),
    )
    def get(self, request):
        filters = CycleFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = selectors.cycle_list(actor=get_actor(request), status=filters.validated_data.get("status", ""))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(CycleOutput(page, many=True).data)

    @extend_schema(operation_id="cycles_create", request=CycleCreateInput, responses={201: CycleDetailOutput})
    def post(self, request):
        data = CycleCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        actor = get_actor(request)
        cycle = services.cycle_create(actor=actor, user=request.user, request=request, **data.validated_data)
        return _detail(cycle.pk, actor, status.HTTP_201_CREATED)


class CycleDetailView(APIView):
    """One cycle with its settings in force (GET); its code (draft only), name or period (PATCH)."""

    permission_codes = {"patch": Perm.ASSESSMENT_SETTINGS}

    @extend_schema(operation_id="cycles_retrieve", responses=CycleDetailOutput)
    def get(self, request, cycle_id):
        return _detail(cycle_id, get_actor(request))

    @extend_schema(
        operation_id="cycles_partial_update", request=CycleUpdateInput, responses=CycleDetailOutput
    )
    def patch(self, request, cycle_id):
        actor = get_actor(request)
        selectors.cycle_get(actor=actor, cycle_id=cycle_id)  # 404 before 400
        data = CycleUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.cycle_update(
            actor=actor, user=request.user, cycle_id=cycle_id, request=request, **data.validated_data
        )
        return _detail(cycle_id, actor)


class CycleActivateView(APIView):
    """Publish a draft cycle: it becomes the one in progress (only one at a time). 发布考核周期。"""

    permission_codes = {"post": Perm.ASSESSMENT_SETTINGS}

    @extend_schema(operation_id="cycles_activate", request=None, responses=CycleDetailOutput)
    def post(self, request, cycle_id):
        actor = get_actor(request)
        services.cycle_activate(actor=actor, user=request.user, cycle_id=cycle_id, request=request)
        return _detail(cycle_id, actor)


class CycleCloseView(APIView):
    """Close the cycle in progress; it stays readable. 结束考核周期。"""

    permission_codes = {"post": Perm.ASSESSMENT_SETTINGS}

    @extend_schema(operation_id="cycles_close", request=None, responses=CycleDetailOutput)
    def post(self, request, cycle_id):
        actor = get_actor(request)
        services.cycle_close(actor=actor, user=request.user, cycle_id=cycle_id, request=request)
        return _detail(cycle_id, actor)


class CycleSettingsView(APIView):
    """The settings version in force (GET; 404 `no_settings` before the first); a new version put in force
    (POST, the province; validated, with a required note). 考核设置与考核内容。"""

    permission_codes = {"post": Perm.ASSESSMENT_SETTINGS}

    @extend_schema(operation_id="cycles_settings_retrieve", responses=CycleSettingsOutput)
    def get(self, request, cycle_id):
        cycle = selectors.cycle_get(actor=get_actor(request), cycle_id=cycle_id)
        if cycle.settings is None:
            raise NotFound(code="no_settings")
        return Response(CycleSettingsOutput(cycle.settings, context={"in_force_id": cycle.settings_id}).data)

    @extend_schema(
        operation_id="cycles_settings_create",
        request=CycleSettingsInput,
        responses={201: CycleSettingsOutput},
    )
    def post(self, request, cycle_id):
        actor = get_actor(request)
        selectors.cycle_get(actor=actor, cycle_id=cycle_id)  # 404 before 400
        data = CycleSettingsInput(data=request.data)
        data.is_valid(raise_exception=True)
        version = services.settings_version_create(
            actor=actor, user=request.user, cycle_id=cycle_id, request=request, **data.validated_data
        )
        return Response(
            CycleSettingsOutput(version, context={"in_force_id": version.pk}).data,
            status=status.HTTP_201_CREATED,
        )


class CycleSettingsVersionListView(APIView):
    """Every settings version of the cycle, newest first, the one in force flagged; readable forever.
    历史考核设置。"""

    pagination_class = PageNumberPagination
    permission_codes: dict = {}  # reading needs a membership only

    @extend_schema(operation_id="cycles_settings_versions_list", responses=CycleSettingsOutput(many=True))
    def get(self, request, cycle_id):
        cycle = selectors.cycle_get(actor=get_actor(request), cycle_id=cycle_id)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(selectors.settings_versions(cycle=cycle), request, view=self)
        return paginator.get_paginated_response(
            CycleSettingsOutput(page, many=True, context={"in_force_id": cycle.settings_id}).data
        )
