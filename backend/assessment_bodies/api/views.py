"""Assessment bodies: applications and their review, attachments, bodies and whom they serve, assignments.

Reading applications needs BODY_APPLY (one's own) or BODY_REVIEW (a commission, its jurisdiction): the
selector checks either code, since a view declares one code per method.
"""

import uuid

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import Perm
from assessment_bodies import selectors, services
from assessment_bodies.api.serializers import (
    AssessmentBodyApplicationActionInput,
    AssessmentBodyApplicationCreateInput,
    AssessmentBodyApplicationHistoryOutput,
    AssessmentBodyApplicationOutput,
    AssessmentBodyApplicationReviewInput,
    AssessmentBodyApplicationUpdateInput,
    AssessmentBodyAssignmentCreateInput,
    AssessmentBodyAssignmentOutput,
    AssessmentBodyAttachmentDownloadOutput,
    AssessmentBodyAttachmentOutput,
    AssessmentBodyAttachmentUploadInput,
    AssessmentBodyOutput,
    AssessmentBodyServedOutput,
)
from assessment_bodies.models import ApplicationStatus
from core.errors import ApplicationError
from core.pagination import PageNumberPagination
from core.permissions import get_actor
from organizations.enums import OrganizationKind


def _paginated(view, request, qs, render):
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(qs, request, view=view)
    return paginator.get_paginated_response(render(page))


def _application_output(request, application_or_page, many=False):
    actor = get_actor(request)
    return AssessmentBodyApplicationOutput(
        application_or_page,
        many=many,
        context={"actions": lambda app: selectors.application_actions_for(actor=actor, application=app)},
    ).data


def _visible(request, application_id) -> None:
    """404 for an application outside the caller's reach before any input is validated: a foreign ID must
    answer the same as a missing one, whatever the body."""
    selectors.application_get_for_actor(actor=get_actor(request), application_id=application_id)


def _uuid_param(request, name):
    value = request.query_params.get(name)
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ApplicationError(_("参数格式不正确。"), code="invalid", attr=name) from None


def _bool_param(request, name):
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    return value.lower() in ("1", "true", "yes")


# --- applications -----------------------------------------------------------------------------------


class ApplicationListView(APIView):
    """Assessment-body applications: the applicant's own, or those a commission reviews. 考核机构申请。"""

    pagination_class = PageNumberPagination  # lists answer {count, next, previous, results}

    permission_codes = {"post": Perm.BODY_APPLY}

    @extend_schema(
        operation_id="assessment_body_applications_list",
        parameters=[
            OpenApiParameter("status", str, enum=ApplicationStatus.values),
            OpenApiParameter("region", str, description="region code: applicants in that region's subtree"),
            OpenApiParameter("search", str, description="applicant name contains"),
        ],
        responses=AssessmentBodyApplicationOutput(many=True),
    )
    def get(self, request):
        qs = selectors.application_list_for_actor(
            actor=get_actor(request),
            status=request.query_params.get("status", ""),
            region_code=request.query_params.get("region", ""),
            search=request.query_params.get("search", ""),
        ).prefetch_related("attachments")
        qs = qs.select_related("reviewed_by")
        return _paginated(self, request, qs, lambda page: _application_output(request, page, many=True))

    @extend_schema(
        operation_id="assessment_body_applications_create",
        request=AssessmentBodyApplicationCreateInput,
        responses={201: AssessmentBodyApplicationOutput},
    )
    def post(self, request):
        data = AssessmentBodyApplicationCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        application = services.application_create(
            actor=get_actor(request), user=request.user, request=request, **data.validated_data
        )
        return Response(_application_output(request, application), status=status.HTTP_201_CREATED)


class ApplicationDetailView(APIView):
    """One application with the applicant's basic information and its attachments."""

    permission_codes = {"patch": Perm.BODY_APPLY}

    @extend_schema(
        operation_id="assessment_body_applications_retrieve", responses=AssessmentBodyApplicationOutput
    )
    def get(self, request, application_id):
        application = selectors.application_get_for_actor(
            actor=get_actor(request), application_id=application_id
        )
        return Response(_application_output(request, application))

    @extend_schema(
        operation_id="assessment_body_applications_update",
        request=AssessmentBodyApplicationUpdateInput,
        responses=AssessmentBodyApplicationOutput,
    )
    def patch(self, request, application_id):
        _visible(request, application_id)
        data = AssessmentBodyApplicationUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        application = services.application_update(
            actor=get_actor(request),
            user=request.user,
            application_id=application_id,
            request=request,
            **data.validated_data,
        )
        return Response(_application_output(request, application))


def _action_view(action: str, code: str, service, input_serializer, summary: str):
    class _View(APIView):
        permission_codes = {"post": code}

        @extend_schema(
            operation_id=f"assessment_body_applications_{action}",
            summary=summary,
            request=input_serializer,
            responses=AssessmentBodyApplicationOutput,
        )
        def post(self, request, application_id):
            _visible(request, application_id)
            data = input_serializer(data=request.data)
            data.is_valid(raise_exception=True)
            application = service(
                actor=get_actor(request),
                user=request.user,
                application_id=application_id,
                request=request,
                comment=data.validated_data["comment"],
            )
            return Response(_application_output(request, application))

    _View.__name__ = _View.__qualname__ = f"Application{action.capitalize()}View"
    return _View


ApplicationSubmitView = _action_view(
    "submit",
    Perm.BODY_APPLY,
    services.application_submit,
    AssessmentBodyApplicationActionInput,
    "Submit to the commission (at least one attachment). 提交申请。",
)
ApplicationWithdrawView = _action_view(
    "withdraw",
    Perm.BODY_APPLY,
    services.application_withdraw,
    AssessmentBodyApplicationActionInput,
    "Withdraw the application. 撤回申请。",
)
ApplicationApproveView = _action_view(
    "approve",
    Perm.BODY_REVIEW,
    services.application_approve,
    AssessmentBodyApplicationActionInput,
    "Approve: the applicant becomes an assessment body. 审核通过。",
)
ApplicationRejectView = _action_view(
    "reject",
    Perm.BODY_REVIEW,
    services.application_reject,
    AssessmentBodyApplicationReviewInput,
    "Reject with a reason. 审核不通过。",
)
ApplicationReturnView = _action_view(
    "return",
    Perm.BODY_REVIEW,
    services.application_return,
    AssessmentBodyApplicationReviewInput,
    "Return to the applicant for changes. 退回修改。",
)


class ApplicationHistoryView(APIView):
    """Every state change of the application: who, when, from, to, comment."""

    pagination_class = PageNumberPagination  # lists answer {count, next, previous, results}

    @extend_schema(
        operation_id="assessment_body_applications_history",
        responses=AssessmentBodyApplicationHistoryOutput(many=True),
    )
    def get(self, request, application_id):
        application = selectors.application_get_for_actor(
            actor=get_actor(request), application_id=application_id
        )
        qs = selectors.application_history(application=application)
        return _paginated(
            self, request, qs, lambda page: AssessmentBodyApplicationHistoryOutput(page, many=True).data
        )


class AttachmentUploadView(APIView):
    """Upload an attachment (multipart `file`: pdf, jpg or png, at most 20 MB) while draft or returned."""

    permission_codes = {"post": Perm.BODY_APPLY}
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="assessment_body_applications_attachments_create",
        request={"multipart/form-data": AssessmentBodyAttachmentUploadInput},
        responses={201: AssessmentBodyAttachmentOutput},
    )
    def post(self, request, application_id):
        _visible(request, application_id)
        data = AssessmentBodyAttachmentUploadInput(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = services.attachment_upload(
            actor=get_actor(request),
            user=request.user,
            application_id=application_id,
            upload=data.validated_data["file"],
            request=request,
        )
        return Response(AssessmentBodyAttachmentOutput(attachment).data, status=status.HTTP_201_CREATED)


class AttachmentDetailView(APIView):
    permission_codes = {"delete": Perm.BODY_APPLY}

    @extend_schema(operation_id="assessment_body_applications_attachments_destroy", responses={204: None})
    def delete(self, request, application_id, attachment_id):
        services.attachment_delete(
            actor=get_actor(request),
            user=request.user,
            application_id=application_id,
            attachment_id=attachment_id,
            request=request,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class AttachmentDownloadView(APIView):
    """A short-lived download link for an attachment (audited)."""

    @extend_schema(
        operation_id="assessment_body_applications_attachments_download",
        responses=AssessmentBodyAttachmentDownloadOutput,
    )
    def get(self, request, application_id, attachment_id):
        return Response(
            services.attachment_download_url(
                actor=get_actor(request),
                user=request.user,
                application_id=application_id,
                attachment_id=attachment_id,
                request=request,
            )
        )


# --- bodies -----------------------------------------------------------------------------------------


class BodyListView(APIView):
    """Assessment bodies the caller sees, each with whom it serves. 考核机构列表。"""

    pagination_class = PageNumberPagination  # lists answer {count, next, previous, results}

    permission_codes = {"get": Perm.ORG_VIEW}

    @extend_schema(
        operation_id="assessment_bodies_list",
        parameters=[
            OpenApiParameter("region", str, description="region code: bodies in that region's subtree"),
            OpenApiParameter(
                "kind", str, enum=[OrganizationKind.INSTITUTION.value, OrganizationKind.INDUSTRY_ORG.value]
            ),
            OpenApiParameter("name", str, description="name contains"),
            OpenApiParameter(
                "candidates",
                bool,
                description="every body of the province that the caller may assign (needs assessment_bodies.assign)",
            ),
        ],
        responses=AssessmentBodyOutput(many=True),
    )
    def get(self, request):
        actor = get_actor(request)
        qs = selectors.body_list_for_actor(
            actor=actor,
            region_code=request.query_params.get("region", ""),
            kind=request.query_params.get("kind", ""),
            name=request.query_params.get("name", ""),
            candidates=bool(_bool_param(request, "candidates")),
        )

        def render(page):
            served = selectors.assignments_served_by(actor=actor, body_ids=[b.id for b in page])
            return AssessmentBodyOutput(page, many=True, context={"served": served}).data

        return _paginated(self, request, qs, render)


class BodyServedView(APIView):
    """The counties and institutions a body serves (its active assignments the caller sees)."""

    pagination_class = PageNumberPagination  # lists answer {count, next, previous, results}

    permission_codes = {"get": Perm.ORG_VIEW}

    @extend_schema(operation_id="assessment_bodies_served", responses=AssessmentBodyServedOutput(many=True))
    def get(self, request, body_id):
        actor = get_actor(request)
        body = selectors.body_get_for_actor(actor=actor, body_id=body_id)
        qs = selectors.assignment_list_for_actor(actor=actor, body_id=body.id, active=True).order_by(
            "target_region_path", "created_at"
        )
        return _paginated(self, request, qs, lambda page: AssessmentBodyServedOutput(page, many=True).data)


class MyServedView(APIView):
    """Whom the caller's own organisation serves as an assessment body. 本机构考核对象。"""

    pagination_class = PageNumberPagination  # lists answer {count, next, previous, results}

    permission_codes = {"get": Perm.ORG_VIEW}

    @extend_schema(
        operation_id="assessment_bodies_mine_served", responses=AssessmentBodyServedOutput(many=True)
    )
    def get(self, request):
        qs = selectors.served_by_my_organization(actor=get_actor(request))
        return _paginated(self, request, qs, lambda page: AssessmentBodyServedOutput(page, many=True).data)


# --- assignments ------------------------------------------------------------------------------------


class AssignmentListView(APIView):
    """Assignments of assessment bodies to counties and institutions. 指派考核机构。"""

    pagination_class = PageNumberPagination  # lists answer {count, next, previous, results}

    permission_codes = {"get": Perm.ORG_VIEW, "post": Perm.BODY_ASSIGN}

    @extend_schema(
        operation_id="assessment_body_assignments_list",
        parameters=[
            OpenApiParameter("body", str, description="assessment body id"),
            OpenApiParameter("target_region", str, description="county code"),
            OpenApiParameter("target_organization", str, description="institution id"),
            OpenApiParameter("active", bool),
            OpenApiParameter("cross_region", bool),
        ],
        responses=AssessmentBodyAssignmentOutput(many=True),
    )
    def get(self, request):
        qs = selectors.assignment_list_for_actor(
            actor=get_actor(request),
            body_id=_uuid_param(request, "body"),
            target_region_code=request.query_params.get("target_region", ""),
            target_organization_id=_uuid_param(request, "target_organization"),
            active=_bool_param(request, "active"),
            cross_region=_bool_param(request, "cross_region"),
        )
        return _paginated(
            self, request, qs, lambda page: AssessmentBodyAssignmentOutput(page, many=True).data
        )

    @extend_schema(
        operation_id="assessment_body_assignments_create",
        request=AssessmentBodyAssignmentCreateInput,
        responses={201: AssessmentBodyAssignmentOutput},
    )
    def post(self, request):
        data = AssessmentBodyAssignmentCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        assignment = services.assignment_create(
            actor=get_actor(request),
            user=request.user,
            body_id=v["body"],
            target_region_code=v.get("target_region") or None,
            target_organization_id=v.get("target_organization"),
            note=v.get("note", ""),
            request=request,
        )
        return Response(AssessmentBodyAssignmentOutput(assignment).data, status=status.HTTP_201_CREATED)


class AssignmentDetailView(APIView):
    permission_codes = {"get": Perm.ORG_VIEW}

    @extend_schema(
        operation_id="assessment_body_assignments_retrieve", responses=AssessmentBodyAssignmentOutput
    )
    def get(self, request, assignment_id):
        assignment = selectors.assignment_get_for_actor(actor=get_actor(request), assignment_id=assignment_id)
        return Response(AssessmentBodyAssignmentOutput(assignment).data)


class AssignmentEndView(APIView):
    """End an assignment: the body no longer serves the target."""

    permission_codes = {"post": Perm.BODY_ASSIGN}

    @extend_schema(
        operation_id="assessment_body_assignments_end", request=None, responses=AssessmentBodyAssignmentOutput
    )
    def post(self, request, assignment_id):
        assignment = services.assignment_end(
            actor=get_actor(request), user=request.user, assignment_id=assignment_id, request=request
        )
        return Response(AssessmentBodyAssignmentOutput(assignment).data)
