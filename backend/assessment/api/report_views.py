"""The physician's self-report (填报信息, PC web and mini-program) and its review: the department head's rating
(科室评定), the institution's review (机构审核) and the re-review (复核) by the assessment body.

Physician routes (/me/enrolments/...) reach only the caller's own enrolments (404 otherwise) and accept the
mini-program token. Review routes (/reviews/<stage>/...) reach what selectors.reviews says for the stage.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import Perm
from assessment.api.report_serializers import (
    DepartmentRateInput,
    DepartmentRatingOutput,
    EnrolmentAttachmentDownloadOutput,
    EnrolmentAttachmentOutput,
    EnrolmentAttachmentUploadInput,
    EnrolmentHistoryEntryOutput,
    MyEnrolmentOutput,
    ReportDraftInput,
    ReportOutput,
    ReportSubmitInput,
    ReviewBulkApproveInput,
    ReviewBulkApproveOutput,
    ReviewCommentInput,
    ReviewDetailOutput,
    ReviewFilterInput,
    ReviewItemOutput,
    ReviewReturnInput,
)
from assessment.enums import EnrolmentStatus, Procedure
from assessment.selectors import reports as report_selectors
from assessment.selectors import reviews as review_selectors
from assessment.selectors.reviews import Stage
from assessment.services import reports as report_services
from assessment.services import reviews as review_services
from assessment.workflow import ENROLMENT_FLOW
from core.pagination import PageNumberPagination
from core.permissions import get_actor


def _paginated(view, request, qs, render):
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(qs, request, view=view)
    return paginator.get_paginated_response(render(page))


def _my_enrolments(items, many=False):
    return MyEnrolmentOutput(
        items, many=many, context={"result_visible": report_selectors.RESULT_VISIBLE_STATES}
    ).data


def _report_output(enrolment) -> dict:
    report = report_selectors.self_report_get(enrolment)
    settings = report_selectors.settings_in_force(enrolment)
    eligible, reasons = report_services.simplified_eligibility(enrolment, settings)
    opens, closes = report_selectors.phase_window(settings, "self_report")
    phase_open = report_selectors.phase_is_open(settings, "self_report")
    rules = settings.exemption_rules or {}
    returned = report_selectors.last_return(enrolment)
    return ReportOutput(
        {
            "enrolment": enrolment,
            "editable": phase_open and enrolment.status in report_selectors.EDITABLE_STATES,
            "required_forms": report_services.required_forms(settings),
            "forms": report_services.forms_for_display(enrolment, report),
            "procedure": report.procedure if report else "",
            "exemption_reason": report.exemption_reason if report else "",
            "exemption_reasons": list(rules.get("reasons") or []),
            "exemption_attachment_required": bool(rules.get("attachment_required")),
            "simplified": {"eligible": eligible, "reasons": reasons},
            "phase": {"opens": opens, "closes": closes, "open": phase_open},
            "attachments": list(report_selectors.attachment_list(enrolment)),
            "last_return": (
                {
                    "action": returned.action,
                    "comment": returned.comment,
                    "actor_name": returned.actor_name,
                    "created_at": returned.created_at,
                }
                if returned and enrolment.status == EnrolmentStatus.RETURNED
                else None
            ),
        },
        context={"result_visible": report_selectors.RESULT_VISIBLE_STATES},
    ).data


# --- the physician ------------------------------------------------------------------------------------


class MyEnrolmentListView(APIView):
    """The caller's cycles: status, procedure and, once published, the result. 我的考核。"""

    pagination_class = PageNumberPagination  # lists answer {count, next, previous, results}

    permission_codes = {"get": Perm.SELF_SERVICE}
    miniprogram_allowed = True

    @extend_schema(operation_id="me_enrolments_list", responses=MyEnrolmentOutput(many=True))
    def get(self, request):
        qs = report_selectors.my_enrolment_list(user=request.user)
        return _paginated(self, request, qs, lambda page: _my_enrolments(page, many=True))


class MyReportView(APIView):
    """The self-report of one of the caller's cycles (GET: the forms prefilled from the registry, the
    choices the settings allow); PUT saves a draft (the forms sent replace those saved; completeness is
    checked on submission). 填报信息。"""

    permission_codes = {"get": Perm.SELF_SERVICE, "put": Perm.SELF_SERVICE}
    miniprogram_allowed = True

    @extend_schema(operation_id="me_enrolments_report_retrieve", responses=ReportOutput)
    def get(self, request, enrolment_id):
        enrolment = report_selectors.my_enrolment_get(user=request.user, enrolment_id=enrolment_id)
        return Response(_report_output(enrolment))

    @extend_schema(
        operation_id="me_enrolments_report_update", request=ReportDraftInput, responses=ReportOutput
    )
    def put(self, request, enrolment_id):
        report_selectors.my_enrolment_get(user=request.user, enrolment_id=enrolment_id)  # 404 before 400
        data = ReportDraftInput(data=request.data)
        data.is_valid(raise_exception=True)
        enrolment = report_services.report_save(
            user=request.user, enrolment_id=enrolment_id, request=request, **data.validated_data
        )
        enrolment = report_selectors.my_enrolment_get(user=request.user, enrolment_id=enrolment.pk)
        return Response(_report_output(enrolment))


class MyReportSubmitView(APIView):
    """Submit the self-report with the chosen procedure (general; simplified if eligible; exempt with a
    reason and its attachments). Forms sent along are saved first. 提交。"""

    permission_codes = {"post": Perm.SELF_SERVICE}
    miniprogram_allowed = True

    @extend_schema(
        operation_id="me_enrolments_report_submit", request=ReportSubmitInput, responses=ReportOutput
    )
    def post(self, request, enrolment_id):
        report_selectors.my_enrolment_get(user=request.user, enrolment_id=enrolment_id)
        data = ReportSubmitInput(data=request.data)
        data.is_valid(raise_exception=True)
        report_services.report_submit(
            user=request.user, enrolment_id=enrolment_id, request=request, **data.validated_data
        )
        enrolment = report_selectors.my_enrolment_get(user=request.user, enrolment_id=enrolment_id)
        return Response(_report_output(enrolment))


class MyReportAttachmentListView(APIView):
    """Upload an attachment (multipart `file`: pdf, jpg or png, at most 20 MB; `purpose` exemption or
    other) while the report is editable."""

    permission_codes = {"post": Perm.SELF_SERVICE}
    miniprogram_allowed = True
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="me_enrolments_report_attachments_create",
        request={"multipart/form-data": EnrolmentAttachmentUploadInput},
        responses={201: EnrolmentAttachmentOutput},
    )
    def post(self, request, enrolment_id):
        report_selectors.my_enrolment_get(user=request.user, enrolment_id=enrolment_id)
        data = EnrolmentAttachmentUploadInput(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = report_services.attachment_upload(
            user=request.user,
            enrolment_id=enrolment_id,
            upload=data.validated_data["file"],
            purpose=data.validated_data["purpose"],
            request=request,
        )
        return Response(EnrolmentAttachmentOutput(attachment).data, status=status.HTTP_201_CREATED)


class MyReportAttachmentDetailView(APIView):
    permission_codes = {"delete": Perm.SELF_SERVICE}
    miniprogram_allowed = True

    @extend_schema(operation_id="me_enrolments_report_attachments_destroy", responses={204: None})
    def delete(self, request, enrolment_id, attachment_id):
        report_services.attachment_delete(
            user=request.user, enrolment_id=enrolment_id, attachment_id=attachment_id, request=request
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyReportAttachmentDownloadView(APIView):
    """A short-lived link to one of one's own attachments (audited)."""

    permission_codes = {"post": Perm.SELF_SERVICE}
    miniprogram_allowed = True

    @extend_schema(
        operation_id="me_enrolments_report_attachments_download",
        request=None,
        responses=EnrolmentAttachmentDownloadOutput,
    )
    def post(self, request, enrolment_id, attachment_id):
        enrolment = report_selectors.my_enrolment_get(user=request.user, enrolment_id=enrolment_id)
        attachment = report_selectors.attachment_get(enrolment=enrolment, attachment_id=attachment_id)
        link = report_services.attachment_download_url(
            user=request.user, enrolment=enrolment, attachment=attachment, request=request
        )
        return Response(EnrolmentAttachmentDownloadOutput(link).data)


# --- the reviews --------------------------------------------------------------------------------------

FILTER_PARAMETERS = [
    OpenApiParameter("cycle", str, description="cycle id"),
    OpenApiParameter("procedure", str, enum=Procedure.values),
    OpenApiParameter("status", str, enum=EnrolmentStatus.values),
    OpenApiParameter("name", str, description="physician name contains"),
    OpenApiParameter("department", str, description="department id"),
    OpenApiParameter("organization", str, description="institution id (re-review)"),
]


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


def _detail(stage: Stage, enrolment) -> dict:
    parts = review_selectors.review_detail_parts(enrolment)
    report = parts["report"]
    rating = parts["rating"]
    data = dict(ReviewItemOutput(enrolment).data)
    data.update(
        {
            "forms": report.submitted_forms if report else {},
            "exemption_reason": report.exemption_reason if report else "",
            "department_rating": DepartmentRatingOutput(rating).data if rating else None,
            "attachments": EnrolmentAttachmentOutput(parts["attachments"], many=True).data,
            "history": EnrolmentHistoryEntryOutput(_history_rows(parts["history"]), many=True).data,
            "actions": review_selectors.review_actions_for(stage=stage, enrolment=enrolment),
        }
    )
    return data


def _review_views(stage: Stage, code: str, label: str) -> dict[str, type[APIView]]:
    """The views of one review stage (list, detail, its actions, attachment links), each declaring the
    stage's permission code and its own operation ids."""
    prefix = f"reviews_{stage.value}"
    views: dict[str, type[APIView]] = {}

    class ListView(APIView):
        __doc__ = f"Submissions under {label}: query by cycle, procedure, status, name, department."
        permission_codes = {"get": code}
        pagination_class = PageNumberPagination  # lists answer {count, next, previous, results}

        @extend_schema(
            operation_id=f"{prefix}_list", parameters=FILTER_PARAMETERS, responses=ReviewItemOutput(many=True)
        )
        def get(self, request):
            filters = ReviewFilterInput(data=request.query_params)
            filters.is_valid(raise_exception=True)
            f = filters.validated_data
            qs = review_selectors.review_list_for_actor(
                actor=get_actor(request),
                stage=stage,
                cycle_id=f.get("cycle"),
                procedure=f.get("procedure", ""),
                status=f.get("status", ""),
                name=f.get("name", ""),
                department_id=f.get("department"),
                organization_id=f.get("organization"),
            )
            return _paginated(self, request, qs, lambda page: ReviewItemOutput(page, many=True).data)

    class DetailView(APIView):
        __doc__ = f"One submission under {label}: the report as submitted, rating, attachments, history."
        permission_codes = {"get": code}

        @extend_schema(operation_id=f"{prefix}_retrieve", responses=ReviewDetailOutput)
        def get(self, request, enrolment_id):
            actor = get_actor(request)
            enrolment = review_selectors.review_get_for_actor(
                actor=actor, stage=stage, enrolment_id=enrolment_id
            )
            review_services.review_read_audit(
                actor=actor, user=request.user, enrolment=enrolment, request=request
            )
            return Response(_detail(stage, enrolment))

    def action_view(name: str, input_serializer, service, summary: str):
        class ActionView(APIView):
            __doc__ = summary
            permission_codes = {"post": code}

            @extend_schema(
                operation_id=f"{prefix}_{name}",
                summary=summary,
                request=input_serializer,
                responses=ReviewDetailOutput,
            )
            def post(self, request, enrolment_id):
                actor = get_actor(request)
                review_selectors.review_get_for_actor(actor=actor, stage=stage, enrolment_id=enrolment_id)
                data = input_serializer(data=request.data)
                data.is_valid(raise_exception=True)
                enrolment = service(
                    actor=actor,
                    user=request.user,
                    enrolment_id=enrolment_id,
                    request=request,
                    **data.validated_data,
                )
                return Response(_detail(stage, enrolment))

        return ActionView

    class AttachmentDownloadView(APIView):
        __doc__ = f"A short-lived link to an attachment of a submission under {label} (audited)."
        permission_codes = {"post": code}

        @extend_schema(
            operation_id=f"{prefix}_attachments_download",
            request=None,
            responses=EnrolmentAttachmentDownloadOutput,
        )
        def post(self, request, enrolment_id, attachment_id):
            link = review_services.review_attachment_download_url(
                actor=get_actor(request),
                user=request.user,
                stage=stage,
                enrolment_id=enrolment_id,
                attachment_id=attachment_id,
                request=request,
            )
            return Response(EnrolmentAttachmentDownloadOutput(link).data)

    views["list"] = ListView
    views["detail"] = DetailView
    views["attachment_download"] = AttachmentDownloadView
    if stage == Stage.DEPARTMENT:
        views["rate"] = action_view(
            "rate",
            DepartmentRateInput,
            review_services.department_rate,
            "Rate work performance and professional ethics with a comment. 科室评定。",
        )
        views["return"] = action_view(
            "return",
            ReviewReturnInput,
            review_services.department_return,
            "Return to the physician with a comment. 科室退回。",
        )
    else:

        def approve(**kwargs):
            return review_services.review_approve(stage=stage, **kwargs)

        def send_back(**kwargs):
            return review_services.review_return(stage=stage, **kwargs)

        views["approve"] = action_view("approve", ReviewCommentInput, approve, f"Approve ({label}).")
        views["return"] = action_view(
            "return", ReviewReturnInput, send_back, f"Return to the physician with a comment ({label})."
        )

        class BulkApproveView(APIView):
            __doc__ = f"Approve many submissions at once ({label}), all or nothing."
            permission_codes = {"post": code}

            @extend_schema(
                operation_id=f"{prefix}_bulk_approve",
                request=ReviewBulkApproveInput,
                responses=ReviewBulkApproveOutput,
            )
            def post(self, request):
                data = ReviewBulkApproveInput(data=request.data)
                data.is_valid(raise_exception=True)
                count = review_services.review_bulk_approve(
                    actor=get_actor(request),
                    user=request.user,
                    stage=stage,
                    enrolment_ids=data.validated_data["ids"],
                    comment=data.validated_data["comment"],
                    request=request,
                )
                return Response(ReviewBulkApproveOutput({"approved": count}).data)

        views["bulk_approve"] = BulkApproveView
    title = stage.value.capitalize()
    for key, view in views.items():
        view.__name__ = view.__qualname__ = f"{title}Review{key.title().replace('_', '')}View"
    return views


DEPARTMENT_VIEWS = _review_views(Stage.DEPARTMENT, Perm.DEPARTMENT_RATE, "department rating (科室评定)")
INSTITUTION_VIEWS = _review_views(Stage.INSTITUTION, Perm.ENROLMENT_REVIEW, "institution review (机构审核)")
BODY_VIEWS = _review_views(Stage.BODY, Perm.ENROLMENT_REREVIEW, "re-review (考核机构复核)")
