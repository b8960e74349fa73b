"""Delegated account management (所辖机构账户管理): the accounts below the caller, their organisations' right to
apply to be an assessment body, .xlsx import and export as background jobs."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import account_selectors
from accounts.api.account_serializers import (
    AccountActivatedOutput,
    AccountBulkActivateInput,
    AccountBulkActivateOutput,
    AccountCreatedOutput,
    AccountCreateInput,
    AccountDetailOutput,
    AccountFilterInput,
    AccountImportInput,
    AccountListItemOutput,
    AccountPasswordOutput,
    AccountTemplateOutput,
    AccountUpdateInput,
    OrganizationBulkMayApplyInput,
    OrganizationBulkMayApplyOutput,
)
from accounts.jobs import EXPORT_KIND, IMPORT_COLUMNS, IMPORT_KIND
from accounts.permissions import Perm
from accounts.roles import Role
from accounts.services import management
from audit.services import audit_record
from core import xlsx
from core.pagination import PageNumberPagination
from core.permissions import get_actor
from jobs.services import job_start
from organizations.enums import OrganizationKind

FILTER_PARAMETERS = [
    OpenApiParameter("kind", str, enum=OrganizationKind.values, description="organisation kind"),
    OpenApiParameter("region_code", str, description="region code: its whole subtree"),
    OpenApiParameter("organization", str, description="organisation name contains"),
    OpenApiParameter("organization_id", str, description="one organisation"),
    OpenApiParameter("search", str, description="username or name contains"),
    OpenApiParameter("role", str, enum=Role.values),
    OpenApiParameter("is_active", bool),
    OpenApiParameter("may_apply_assessment_body", bool),
]


class AccountJobOutput(serializers.Serializer):
    """A started background job; poll GET /api/v1/jobs/<id>/ for progress, errors and the result file."""

    id = serializers.UUIDField()
    kind = serializers.CharField()
    status = serializers.CharField()


def _account_response(
    request, user_id, output=AccountDetailOutput, status_code=200, *, audit_read=False, **extra
) -> Response:
    """The account as the caller sees it: only the memberships it administers, phone masked for commissions
    (whose reads of an account are audited)."""
    actor = get_actor(request)
    user, memberships = account_selectors.account_get_for_actor(actor=actor, user_id=user_id)
    if audit_read and actor.masks_personal_data:
        organization = memberships[0].organization
        audit_record(
            action="accounts.read",
            actor=request.user,
            request=request,
            organization_id=organization.id,
            region_path=organization.region_path,
            target=user,
        )
    data = output(_UserView(user, memberships, extra), context={"mask": actor.masks_personal_data}).data
    return Response(data, status=status_code)


class _UserView:
    """A user with only the memberships the caller may see, and one-off extras (a generated password)."""

    def __init__(self, user, memberships, extra):
        self._user = user
        self.memberships = memberships
        self.__dict__.update(extra)

    def __getattr__(self, name):
        return getattr(self._user, name)


class AccountListCreateView(APIView):
    """The accounts below the caller (GET), and a new one (POST). 所辖机构账户：查询、新增。"""

    pagination_class = PageNumberPagination  # lists answer {count, next, previous, results}

    permission_codes = {"get": Perm.ACCOUNT_VIEW, "post": Perm.ACCOUNT_MANAGE}

    @extend_schema(
        operation_id="accounts_list", parameters=FILTER_PARAMETERS, responses=AccountListItemOutput(many=True)
    )
    def get(self, request):
        actor = get_actor(request)
        filters = AccountFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = account_selectors.account_list_for_actor(actor=actor, **filters.to_filters())
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        if actor.masks_personal_data:
            audit_record(
                action="accounts.listed",
                actor=request.user,
                request=request,
                organization_id=actor.organization_id,
                region_path=actor.region_path or "",
                data={"filters": filters.to_filters(), "rows": len(page)},
            )
        return paginator.get_paginated_response(
            AccountListItemOutput(page, many=True, context={"mask": actor.masks_personal_data}).data
        )

    @extend_schema(
        operation_id="accounts_create", request=AccountCreateInput, responses={201: AccountCreatedOutput}
    )
    def post(self, request):
        data = AccountCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        user, _membership, password = management.account_create(
            actor=get_actor(request), caller=request.user, request=request, **data.validated_data
        )
        return _account_response(
            request, user.id, AccountCreatedOutput, status.HTTP_201_CREATED, initial_password=password
        )


class AccountDetailView(APIView):
    """One account: view, edit, delete (soft). 查看、修改、删除。"""

    permission_codes = {"get": Perm.ACCOUNT_VIEW, "patch": Perm.ACCOUNT_MANAGE, "delete": Perm.ACCOUNT_MANAGE}

    @extend_schema(operation_id="accounts_retrieve", responses=AccountDetailOutput)
    def get(self, request, user_id):
        return _account_response(request, user_id, audit_read=True)

    @extend_schema(
        operation_id="accounts_partial_update", request=AccountUpdateInput, responses=AccountDetailOutput
    )
    def patch(self, request, user_id):
        data = AccountUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        management.account_update(
            actor=get_actor(request),
            caller=request.user,
            user_id=user_id,
            request=request,
            **data.validated_data,
        )
        return _account_response(request, user_id)

    @extend_schema(operation_id="accounts_destroy", responses={204: None})
    def delete(self, request, user_id):
        management.account_delete(
            actor=get_actor(request), caller=request.user, user_id=user_id, request=request
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class AccountActivateView(APIView):
    """Enable an account; one without a password (imported) gets an initial password, shown once. 激活。"""

    permission_codes = {"post": Perm.ACCOUNT_MANAGE}

    @extend_schema(operation_id="accounts_activate", request=None, responses=AccountActivatedOutput)
    def post(self, request, user_id):
        _user, password = management.account_activate(
            actor=get_actor(request), caller=request.user, user_id=user_id, request=request
        )
        return _account_response(request, user_id, AccountActivatedOutput, initial_password=password)


class AccountDeactivateView(APIView):
    """Disable an account; its sessions end. 停用。"""

    permission_codes = {"post": Perm.ACCOUNT_MANAGE}

    @extend_schema(operation_id="accounts_deactivate", request=None, responses=AccountDetailOutput)
    def post(self, request, user_id):
        management.account_deactivate(
            actor=get_actor(request), caller=request.user, user_id=user_id, request=request
        )
        return _account_response(request, user_id)


class AccountPasswordResetView(APIView):
    """A new random password, shown once; to be changed at the next login; all sessions end. 重置密码。"""

    permission_codes = {"post": Perm.ACCOUNT_MANAGE}

    @extend_schema(operation_id="accounts_reset_password", request=None, responses=AccountPasswordOutput)
    def post(self, request, user_id):
        password = management.account_password_reset(
            actor=get_actor(request), caller=request.user, user_id=user_id, request=request
        )
        return Response(AccountPasswordOutput({"password": password}).data)


class AccountBulkActivateView(APIView):
    """Activate many accounts; those without a password share one initial password, shown once. 批量激活。"""

    permission_codes = {"post": Perm.ACCOUNT_MANAGE}

    @extend_schema(
        operation_id="accounts_bulk_activate",
        request=AccountBulkActivateInput,
        responses=AccountBulkActivateOutput,
    )
    def post(self, request):
        data = AccountBulkActivateInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = management.accounts_bulk_activate(
            actor=get_actor(request),
            caller=request.user,
            user_ids=data.validated_data["ids"],
            request=request,
        )
        return Response(
            AccountBulkActivateOutput(
                {
                    "activated": len(result.activated),
                    "given_password": result.given_password,
                    "initial_password": result.password,
                }
            ).data
        )


class _OrganizationBulkMayApplyView(APIView):
    allow = True
    permission_codes = {"post": Perm.ORG_MANAGE}

    def post(self, request):
        data = OrganizationBulkMayApplyInput(data=request.data)
        data.is_valid(raise_exception=True)
        count = management.organizations_set_may_apply(
            actor=get_actor(request),
            caller=request.user,
            organization_ids=data.validated_data["ids"],
            allow=self.allow,
            request=request,
        )
        return Response(OrganizationBulkMayApplyOutput({"updated": count}).data)


class OrganizationBulkAllowApplyView(_OrganizationBulkMayApplyView):
    """Allow institutions and industry organisations below to apply to be an assessment body. 批量允许申请考核机构。"""

    allow = True

    @extend_schema(
        operation_id="organizations_bulk_allow_apply",
        request=OrganizationBulkMayApplyInput,
        responses=OrganizationBulkMayApplyOutput,
    )
    def post(self, request):
        return super().post(request)


class OrganizationBulkDisallowApplyView(_OrganizationBulkMayApplyView):
    """Withdraw the right to apply to be an assessment body. 批量不允许申请考核机构。"""

    allow = False

    @extend_schema(
        operation_id="organizations_bulk_disallow_apply",
        request=OrganizationBulkMayApplyInput,
        responses=OrganizationBulkMayApplyOutput,
    )
    def post(self, request):
        return super().post(request)


def _job_output(job) -> dict:
    return AccountJobOutput({"id": job.id, "kind": job.kind, "status": job.status}).data


class AccountImportView(APIView):
    """Import institutions or industry organisations with their administrator accounts from .xlsx, as a
    background job: any bad row fails it with a row report and nothing is stored. 批量导入。"""

    permission_codes = {"post": Perm.ACCOUNT_MANAGE}
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="accounts_import", request=AccountImportInput, responses={202: AccountJobOutput}
    )
    def post(self, request):
        actor = get_actor(request)
        management.require_commission(actor)
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


class AccountImportTemplateView(APIView):
    """A download link for the .xlsx import template (its columns are the import's). 导入模板。"""

    permission_codes = {"get": Perm.ACCOUNT_MANAGE}

    @extend_schema(operation_id="accounts_import_template", responses=AccountTemplateOutput)
    def get(self, request):
        return Response(
            AccountTemplateOutput(
                xlsx.template_link(IMPORT_COLUMNS, name="账号导入模板.xlsx", slug="accounts-import")
            ).data
        )


class AccountExportView(APIView):
    """Export the accounts list (same filters as the list) to .xlsx as a background job. 批量导出。"""

    permission_codes = {"post": Perm.ACCOUNT_VIEW}

    @extend_schema(
        operation_id="accounts_export", request=AccountFilterInput, responses={202: AccountJobOutput}
    )
    def post(self, request):
        actor = get_actor(request)
        filters = AccountFilterInput(data=request.data)
        filters.is_valid(raise_exception=True)
        job = job_start(
            kind=EXPORT_KIND,
            user=request.user,
            organization_id=actor.organization_id,
            params={"role": actor.role, "filters": filters.to_filters()},
            request=request,
        )
        return Response(_job_output(job), status=status.HTTP_202_ACCEPTED)
