from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import Perm
from accounts.selectors import user_names
from approvals import selectors, services
from approvals.api.serializers import (
    ApprovalChainCreateInput,
    ApprovalChainFilterInput,
    ApprovalChainOutput,
    ApprovalCommentInput,
    ApprovalDecideInput,
    ApprovalQueueFilterInput,
    ApprovalRequestDetailOutput,
    ApprovalRequestFilterInput,
    ApprovalRequestOutput,
    ApprovalTypeOutput,
)
from approvals.enums import RequestStatus
from approvals.registry import all_types
from core.pagination import PageNumberPagination
from core.permissions import get_actor

TYPE_PARAM = OpenApiParameter("type_code", str, required=False)


def _paginated(request, view, qs, serializer_class):
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(qs, request, view=view)
    names = (
        user_names({obj.applicant_id for obj in page}) if serializer_class is ApprovalRequestOutput else {}
    )
    return paginator.get_paginated_response(serializer_class(page, many=True, context={"names": names}).data)


class ApprovalTypeListView(APIView):
    """Application types that can have an approval chain (registered by the hospital modules)."""

    permission_codes = {"get": Perm.APPROVAL_CONFIGURE}

    @extend_schema(operation_id="approvals_types_list", responses=ApprovalTypeOutput(many=True))
    def get(self, request, **kwargs):
        data = [
            {"code": t.code, "label": str(t.label), "fact_names": list(t.fact_names)} for t in all_types()
        ]
        return Response(ApprovalTypeOutput(data, many=True).data)


class ApprovalChainListView(APIView):
    """The hospital's approval chains, every version; POST saves a new version of a type's chain."""

    pagination_class = PageNumberPagination
    permission_codes = {"get": Perm.APPROVAL_CONFIGURE, "post": Perm.APPROVAL_CONFIGURE}

    @extend_schema(
        operation_id="approvals_chains_list",
        parameters=[TYPE_PARAM, OpenApiParameter("active", bool, required=False)],
        responses=ApprovalChainOutput(many=True),
    )
    def get(self, request, **kwargs):
        params = ApprovalChainFilterInput(data=request.query_params)
        params.is_valid(raise_exception=True)
        qs = selectors.chain_list(**params.validated_data)
        return _paginated(request, self, qs, ApprovalChainOutput)

    @extend_schema(
        operation_id="approvals_chains_create",
        request=ApprovalChainCreateInput,
        responses={201: ApprovalChainOutput},
    )
    def post(self, request, **kwargs):
        data = ApprovalChainCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        chain = services.chain_create_version(actor=request.user, request=request, **data.validated_data)
        chain = selectors.chain_get(chain_id=chain.pk)
        return Response(ApprovalChainOutput(chain).data, status=status.HTTP_201_CREATED)


class ApprovalChainDetailView(APIView):
    permission_codes = {"get": Perm.APPROVAL_CONFIGURE}

    @extend_schema(operation_id="approvals_chains_retrieve", responses=ApprovalChainOutput)
    def get(self, request, pk=None, **kwargs):
        return Response(ApprovalChainOutput(selectors.chain_get(chain_id=pk)).data)


class ApprovalQueueView(APIView):
    """Requests waiting for the caller's decision."""

    pagination_class = PageNumberPagination
    permission_codes = {"get": Perm.APPROVAL_USE}

    @extend_schema(
        operation_id="approvals_queue_list",
        parameters=[TYPE_PARAM],
        responses=ApprovalRequestOutput(many=True),
    )
    def get(self, request, **kwargs):
        params = ApprovalQueueFilterInput(data=request.query_params)
        params.is_valid(raise_exception=True)
        qs = selectors.approval_queue_for_actor(get_actor(request), **params.validated_data).select_related(
            "chain"
        )
        return _paginated(request, self, qs.prefetch_related("chain__steps"), ApprovalRequestOutput)


class ApprovalRequestListView(APIView):
    """Requests within the caller's reach: applied for, acted on, or (approvals.configure) all of the hospital."""

    pagination_class = PageNumberPagination
    permission_codes = {"get": Perm.APPROVAL_USE}

    @extend_schema(
        operation_id="approvals_requests_list",
        parameters=[
            TYPE_PARAM,
            OpenApiParameter("status", str, required=False, enum=RequestStatus.values),
            OpenApiParameter("mine", bool, required=False),
        ],
        responses=ApprovalRequestOutput(many=True),
    )
    def get(self, request, **kwargs):
        params = ApprovalRequestFilterInput(data=request.query_params)
        params.is_valid(raise_exception=True)
        qs = selectors.approval_list_for_actor(get_actor(request), **params.validated_data)
        return _paginated(
            request, self, qs.select_related("chain").prefetch_related("chain__steps"), ApprovalRequestOutput
        )


def _detail(request, approval_request):
    actor = get_actor(request)
    tasks = selectors.approval_tasks(approval_request)
    history = selectors.approval_history(approval_request)
    ids = (
        {approval_request.applicant_id}
        | {t.user_id for t in tasks}
        | {h.actor_id for h in history if h.actor_id}
    )
    can_decide = actor.user_id in selectors.approval_open_approver_ids(approval_request)
    context = {"names": user_names(ids), "tasks": tasks, "history": history, "can_decide": can_decide}
    return ApprovalRequestDetailOutput(approval_request, context=context).data


class ApprovalRequestDetailView(APIView):
    permission_codes = {"get": Perm.APPROVAL_USE}

    @extend_schema(operation_id="approvals_requests_retrieve", responses=ApprovalRequestDetailOutput)
    def get(self, request, pk=None, **kwargs):
        return Response(_detail(request, selectors.approval_get_for_actor(get_actor(request), pk)))


class ApprovalDecideView(APIView):
    permission_codes = {"post": Perm.APPROVAL_USE}

    @extend_schema(
        operation_id="approvals_requests_decide",
        request=ApprovalDecideInput,
        responses=ApprovalRequestDetailOutput,
    )
    def post(self, request, pk=None, **kwargs):
        data = ApprovalDecideInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.approval_decide(
            actor=get_actor(request), request_id=pk, http_request=request, **data.validated_data
        )
        return Response(_detail(request, result))


class ApprovalWithdrawView(APIView):
    permission_codes = {"post": Perm.APPROVAL_USE}

    @extend_schema(
        operation_id="approvals_requests_withdraw",
        request=ApprovalCommentInput,
        responses=ApprovalRequestDetailOutput,
    )
    def post(self, request, pk=None, **kwargs):
        data = ApprovalCommentInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.approval_withdraw(
            actor=get_actor(request), request_id=pk, http_request=request, **data.validated_data
        )
        return Response(_detail(request, result))


class ApprovalResubmitView(APIView):
    """The applicant resubmits a returned request (facts are recomputed by the application type, never taken
    from the client)."""

    permission_codes = {"post": Perm.APPROVAL_USE}

    @extend_schema(
        operation_id="approvals_requests_resubmit",
        request=ApprovalCommentInput,
        responses=ApprovalRequestDetailOutput,
    )
    def post(self, request, pk=None, **kwargs):
        data = ApprovalCommentInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.approval_resubmit(
            actor=get_actor(request), request_id=pk, http_request=request, **data.validated_data
        )
        return Response(_detail(request, result))
