"""Organisations (本机构信息, 所辖机构) and the departments of an institution (科室管理).

- /organizations/: the organisations within the caller's reach (a commission: its region subtree; others:
  themselves, and what an assessment body serves); /organizations/mine/: the caller's own, which it edits;
  a commission edits, moves, deactivates and activates the organisations strictly below it.
- /departments/: the caller's institution's departments (a commission or assessment body may read those of
  an institution within reach with ?organization=); written only by the institution itself.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import Perm
from core.pagination import PageNumberPagination
from core.permissions import get_actor
from organizations import selectors, services
from organizations.api.serializers import (
    DepartmentCreateInput,
    DepartmentFilterInput,
    DepartmentOutput,
    DepartmentTreeFilterInput,
    DepartmentTreeOutput,
    DepartmentUpdateInput,
    OrganizationDetailOutput,
    OrganizationFilterInput,
    OrganizationListItemOutput,
    OrganizationOwnUpdateInput,
    OrganizationUpdateInput,
)
from organizations.enums import OrganizationKind, OrganizationStatus

ORGANIZATION_FILTERS = [
    OpenApiParameter("kind", str, enum=OrganizationKind.values),
    OpenApiParameter("region_code", str, description="region code: its whole subtree"),
    OpenApiParameter("status", str, enum=OrganizationStatus.values),
    OpenApiParameter("grade", str, description="exact grade, e.g. 三级甲等"),
    OpenApiParameter("institution_type", str, description="exact type, e.g. 综合医院"),
    OpenApiParameter("is_assessment_body", bool),
    OpenApiParameter("search", str, description="name contains, or unified social credit code starts with"),
]
ORGANIZATION_PARAMETER = OpenApiParameter(
    "organization", str, description="an institution within reach (UUID); default: the caller's own"
)
DEPARTMENT_FILTERS = [
    ORGANIZATION_PARAMETER,
    OpenApiParameter("is_active", bool),
    OpenApiParameter("search", str, description="name or code contains"),
    OpenApiParameter("parent", str, description="children of this department (UUID)"),
    OpenApiParameter("top_level", bool, description="true: only top-level departments"),
]


def _organization_response(request, organization_id) -> Response:
    org = selectors.organization_get_for_actor(actor=get_actor(request), organization_id=organization_id)
    return Response(OrganizationDetailOutput(org).data)


class OrganizationListView(APIView):
    """Organisations within the caller's reach, by conditions. 机构查询。"""

    pagination_class = PageNumberPagination  # lists answer {count, next, previous, results}

    permission_codes = {"get": Perm.ORG_VIEW}

    @extend_schema(
        operation_id="organizations_list",
        parameters=ORGANIZATION_FILTERS,
        responses=OrganizationListItemOutput(many=True),
    )
    def get(self, request):
        filters = OrganizationFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = selectors.organization_list_for_actor(actor=get_actor(request), **filters.validated_data)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(OrganizationListItemOutput(page, many=True).data)


class OrganizationMineView(APIView):
    """The caller's own organisation: view and edit (basic information; a commission also its assessment
    committee and assessment office). Its region is changed only by the commission above. 本机构信息。"""

    permission_codes = {"get": Perm.ORG_VIEW, "patch": Perm.ORG_MANAGE}

    @extend_schema(operation_id="organizations_mine_retrieve", responses=OrganizationDetailOutput)
    def get(self, request):
        return Response(
            OrganizationDetailOutput(selectors.organization_get_own(actor=get_actor(request))).data
        )

    @extend_schema(
        operation_id="organizations_mine_partial_update",
        request=OrganizationOwnUpdateInput,
        responses=OrganizationDetailOutput,
    )
    def patch(self, request):
        data = OrganizationOwnUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        org = services.organization_update_own(
            actor=get_actor(request), caller=request.user, request=request, **data.validated_data
        )
        return _organization_response(request, org.id)


class OrganizationDetailView(APIView):
    """One organisation within reach (GET); a commission edits one below it, including a move to another
    region of its jurisdiction (PATCH). 查看、修改机构信息。"""

    permission_codes = {"get": Perm.ORG_VIEW, "patch": Perm.ORG_MANAGE}

    @extend_schema(operation_id="organizations_retrieve", responses=OrganizationDetailOutput)
    def get(self, request, organization_id):
        return _organization_response(request, organization_id)

    @extend_schema(
        operation_id="organizations_partial_update",
        request=OrganizationUpdateInput,
        responses=OrganizationDetailOutput,
    )
    def patch(self, request, organization_id):
        actor = get_actor(request)
        selectors.organization_get_for_actor(actor=actor, organization_id=organization_id)  # 404 before 400
        data = OrganizationUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.organization_update(
            actor=actor,
            caller=request.user,
            organization_id=organization_id,
            request=request,
            **data.validated_data,
        )
        return _organization_response(request, organization_id)


class OrganizationDeactivateView(APIView):
    """A commission deactivates an organisation below it: its members can no longer act. 停用。"""

    permission_codes = {"post": Perm.ORG_MANAGE}

    @extend_schema(operation_id="organizations_deactivate", request=None, responses=OrganizationDetailOutput)
    def post(self, request, organization_id):
        services.organization_deactivate(
            actor=get_actor(request), caller=request.user, organization_id=organization_id, request=request
        )
        return _organization_response(request, organization_id)


class OrganizationActivateView(APIView):
    """A commission activates an organisation below it again. 启用。"""

    permission_codes = {"post": Perm.ORG_MANAGE}

    @extend_schema(operation_id="organizations_activate", request=None, responses=OrganizationDetailOutput)
    def post(self, request, organization_id):
        services.organization_activate(
            actor=get_actor(request), caller=request.user, organization_id=organization_id, request=request
        )
        return _organization_response(request, organization_id)


# --- departments ------------------------------------------------------------------------------------


def _department_response(request, department_id, status_code=200) -> Response:
    department = selectors.department_get_for_actor(actor=get_actor(request), department_id=department_id)
    return Response(DepartmentOutput(department).data, status=status_code)


class DepartmentListCreateView(APIView):
    """The departments of the caller's institution, flat (GET); a new one (POST). 科室：查询、新增。"""

    pagination_class = PageNumberPagination  # lists answer {count, next, previous, results}

    permission_codes = {"get": Perm.ORG_VIEW, "post": Perm.DEPARTMENT_MANAGE}

    @extend_schema(
        operation_id="departments_list", parameters=DEPARTMENT_FILTERS, responses=DepartmentOutput(many=True)
    )
    def get(self, request):
        filters = DepartmentFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        f = filters.validated_data
        qs = selectors.department_list_for_actor(
            actor=get_actor(request),
            organization_id=f["organization"],
            is_active=f["is_active"],
            search=f["search"],
            parent_id=f["parent"],
            top_level=f["top_level"],
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(DepartmentOutput(page, many=True).data)

    @extend_schema(
        operation_id="departments_create", request=DepartmentCreateInput, responses={201: DepartmentOutput}
    )
    def post(self, request):
        data = DepartmentCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        department = services.department_create(
            actor=get_actor(request), caller=request.user, request=request, **data.validated_data
        )
        return _department_response(request, department.id, status.HTTP_201_CREATED)


class DepartmentTreeView(APIView):
    """The department tree of the caller's institution, or (read-only) of an institution within reach.
    科室树。"""

    permission_codes = {"get": Perm.ORG_VIEW}

    @extend_schema(
        operation_id="departments_tree",
        parameters=[ORGANIZATION_PARAMETER, OpenApiParameter("is_active", bool)],
        responses=DepartmentTreeOutput(many=True),
    )
    def get(self, request):
        filters = DepartmentTreeFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        tree = selectors.department_tree_for_actor(
            actor=get_actor(request),
            organization_id=filters.validated_data["organization"],
            is_active=filters.validated_data["is_active"],
        )
        return Response(DepartmentTreeOutput(tree, many=True).data)


class DepartmentDetailView(APIView):
    """One department (GET); edit or move it (PATCH); delete it when nothing refers to it (DELETE).
    科室：查看、编辑、删除。"""

    permission_codes = {
        "get": Perm.ORG_VIEW,
        "patch": Perm.DEPARTMENT_MANAGE,
        "delete": Perm.DEPARTMENT_MANAGE,
    }

    @extend_schema(operation_id="departments_retrieve", responses=DepartmentOutput)
    def get(self, request, department_id):
        return _department_response(request, department_id)

    @extend_schema(
        operation_id="departments_partial_update", request=DepartmentUpdateInput, responses=DepartmentOutput
    )
    def patch(self, request, department_id):
        actor = get_actor(request)
        selectors.department_get_own(actor=actor, department_id=department_id)  # 404 before 400
        data = DepartmentUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.department_update(
            actor=actor,
            caller=request.user,
            department_id=department_id,
            request=request,
            **data.validated_data,
        )
        return _department_response(request, department_id)

    @extend_schema(operation_id="departments_destroy", responses={204: None})
    def delete(self, request, department_id):
        services.department_delete(
            actor=get_actor(request), caller=request.user, department_id=department_id, request=request
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class DepartmentEnableView(APIView):
    """Enable a department (not under a disabled parent). 启用。"""

    permission_codes = {"post": Perm.DEPARTMENT_MANAGE}

    @extend_schema(operation_id="departments_enable", request=None, responses=DepartmentOutput)
    def post(self, request, department_id):
        services.department_enable(
            actor=get_actor(request), caller=request.user, department_id=department_id, request=request
        )
        return _department_response(request, department_id)


class DepartmentDisableView(APIView):
    """Disable a department (its enabled sub-departments first). 停用。"""

    permission_codes = {"post": Perm.DEPARTMENT_MANAGE}

    @extend_schema(operation_id="departments_disable", request=None, responses=DepartmentOutput)
    def post(self, request, department_id):
        services.department_disable(
            actor=get_actor(request), caller=request.user, department_id=department_id, request=request
        )
        return _department_response(request, department_id)
