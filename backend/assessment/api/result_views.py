"""Scores and results (考核管理, 补考管理, 考核结果): one queue per step, each scoped to the caller.

- results/scoring/    experts (Perm.SCORE_ENTER): enter skills / case-review / work-performance / ethics
                      scores with attachments, for the enrolments their body (or nearest commission) scores;
- results/body/       the assessment body (Perm.SCORE_CONFIRM): record a competence test by hand, confirm
                      scores (成绩认定), publish results (公示), one by one and in bulk;
- results/committee/  the assessment committee, the commission nearest above the institution
                      (Perm.RESULT_CONFIRM): confirm results once the publicity has ended, and make-up results;
- results/makeup/     the make-up list (Perm.ENROLMENT_VIEW within reach: query, export), and the province's
                      decision (Perm.MAKEUP_DECIDE: allow or refuse, one by one and in bulk);
- results/final/      final results (Perm.ENROLMENT_VIEW within reach: query, export);
- results/enrolments/<id>/  one enrolment's scores and result for anyone who reads it;
- me/enrolments/<id>/result/  the physician's own result, the scores per component once published.
See services.results for the rules and errors.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import Perm
from assessment.api.report_serializers import EnrolmentAttachmentDownloadOutput
from assessment.api.result_serializers import (
    CompetenceTestRecordInput,
    MyResultOutput,
    ResultAttachmentOutput,
    ResultBulkInput,
    ResultBulkOutput,
    ResultCommentInput,
    ResultDetailOutput,
    ResultExportInput,
    ResultFilterInput,
    ResultFinalizeOutput,
    ResultItemOutput,
    ResultJobOutput,
    ScoreAttachmentUploadInput,
    ScoreEnterInput,
)
from assessment.enums import Component, EnrolmentStatus, Procedure, ResultLevel
from assessment.jobs.results import FINAL_EXPORT_KIND, MAKEUP_EXPORT_KIND
from assessment.selectors import results as selectors
from assessment.selectors.results import Queue
from assessment.services import results as services
from assessment.workflow import ENROLMENT_FLOW
from core.pagination import PageNumberPagination
from core.permissions import get_actor
from jobs.services import job_start

FILTER_PARAMETERS = [
    OpenApiParameter("cycle", str, description="cycle id"),
    OpenApiParameter("status", str, enum=EnrolmentStatus.values),
    OpenApiParameter("procedure", str, enum=Procedure.values),
    OpenApiParameter("result_level", str, enum=ResultLevel.values),
    OpenApiParameter("name", str, description="physician name contains"),
    OpenApiParameter("organization", str, description="institution id"),
    OpenApiParameter("department", str, description="department id"),
]
PUBLICITY_PARAMETER = OpenApiParameter(
    "publicity_over", bool, description="true: ready to confirm (publicity ended, or a make-up result)"
)


def _component_label(component: str) -> str:
    try:
        return str(Component(component).label)
    except ValueError:
        return component


def _filters(request) -> dict:
    data = ResultFilterInput(data=request.query_params)
    data.is_valid(raise_exception=True)
    f = data.validated_data
    return {
        "cycle_id": f.get("cycle"),
        "status": f.get("status", ""),
        "procedure": f.get("procedure", ""),
        "result_level": f.get("result_level", ""),
        "name": f.get("name", ""),
        "organization_id": f.get("organization"),
        "department_id": f.get("department"),
        "publicity_over_only": f.get("publicity_over"),
    }


def _history_rows(history) -> list[dict]:
    return [
        {
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


def _detail(enrolment) -> dict:
    entries = selectors.scores_of(enrolment)
    settings = selectors.result_settings_of(enrolment)
    required = selectors.required_components(settings, enrolment.procedure)
    return ResultDetailOutput(
        {
            **{
                name: getattr(enrolment, name)
                for name in ("id", "cycle_id", "physician_id", "organization_id")
            },
            "cycle": enrolment.cycle,
            "physician": enrolment.physician,
            "organization": enrolment.organization,
            "department": enrolment.department,
            "assessment_body": enrolment.assessment_body,
            "title": enrolment.title,
            "procedure": enrolment.procedure,
            "get_procedure_display": enrolment.get_procedure_display(),
            "status": enrolment.status,
            "get_status_display": enrolment.get_status_display(),
            "total_score": enrolment.total_score,
            "result_level": enrolment.result_level,
            "get_result_level_display": enrolment.get_result_level_display(),
            "publicity_ends_on": enrolment.publicity_ends_on,
            "finalized_at": enrolment.finalized_at,
            "result_settings_version": (
                enrolment.result_settings.version if enrolment.result_settings_id else None
            ),
            "required_components": [
                {
                    "component": c["component"],
                    "component_label": _component_label(c["component"]),
                    "weight": c["weight"],
                }
                for c in required
            ],
            "missing_components": (
                selectors.missing_components(enrolment, entries)
                if enrolment.status in selectors.SCORING_STATES
                else []
            ),
            "scores": entries,
            "attachments": selectors.scoring_attachments(enrolment),
            "history": _history_rows(selectors.result_history(enrolment)),
            "publicity_over": selectors.publicity_over(enrolment),
        }
    ).data


def _paginated(view, request, qs):
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(qs, request, view=view)
    return paginator.get_paginated_response(ResultItemOutput(page, many=True).data)


def _get(request, queue: str, enrolment_id, code: str | None = None):
    return selectors.result_get_for_actor(
        actor=get_actor(request), queue=queue, enrolment_id=enrolment_id, code=code
    )


def _queue_views(queue: str, label: str, *, publicity_filter: bool = False) -> dict[str, type[APIView]]:
    """The list and the detail of one queue, each declaring the queue's permission code."""
    code = selectors.QUEUE_CODES[queue]
    parameters = FILTER_PARAMETERS + ([PUBLICITY_PARAMETER] if publicity_filter else [])

    class ListView(APIView):
        __doc__ = f"{label}: query by cycle, status, procedure, result, name, institution, department."
        permission_codes = {"get": code}
        pagination_class = PageNumberPagination  # lists answer {count, next, previous, results}

        @extend_schema(
            operation_id=f"results_{queue}_list", parameters=parameters, responses=ResultItemOutput(many=True)
        )
        def get(self, request):
            qs = selectors.result_list_for_actor(actor=get_actor(request), queue=queue, **_filters(request))
            return _paginated(self, request, qs)

    class DetailView(APIView):
        __doc__ = f"One enrolment of {label}: required components, scores, attachments, history."
        permission_codes = {"get": code}

        @extend_schema(operation_id=f"results_{queue}_retrieve", responses=ResultDetailOutput)
        def get(self, request, enrolment_id):
            enrolment = _get(request, queue, enrolment_id)
            services.result_read_audit(
                actor=get_actor(request), user=request.user, enrolment=enrolment, request=request
            )
            return Response(_detail(enrolment))

    title = queue.capitalize()
    ListView.__name__ = ListView.__qualname__ = f"Result{title}ListView"
    DetailView.__name__ = DetailView.__qualname__ = f"Result{title}DetailView"
    return {"list": ListView, "detail": DetailView}


SCORING_VIEWS = _queue_views(Queue.SCORING, "To score (待评分)")
BODY_VIEWS = _queue_views(Queue.BODY, "To confirm and publish (成绩认定、公示)")
COMMITTEE_VIEWS = _queue_views(Queue.COMMITTEE, "To confirm (结果确认)", publicity_filter=True)
MAKEUP_VIEWS = _queue_views(Queue.MAKEUP, "The make-up list (补考名单)")
FINAL_VIEWS = _queue_views(Queue.FINAL, "Final results (最终考核结果)")


# --- scoring --------------------------------------------------------------------------------------------


class ScoreEnterView(APIView):
    """Enter or correct a score (0-100) of skills, case-record review, work performance or ethics for the
    main sitting or the make-up; the enrolment moves to scored when every required component is in."""

    permission_codes = {"post": Perm.SCORE_ENTER}

    @extend_schema(
        operation_id="results_scoring_scores_create", request=ScoreEnterInput, responses=ResultDetailOutput
    )
    def post(self, request, enrolment_id):
        _get(request, Queue.SCORING, enrolment_id)  # 404 before 400
        data = ScoreEnterInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.score_enter(
            actor=get_actor(request),
            user=request.user,
            enrolment_id=enrolment_id,
            request=request,
            **data.validated_data,
        )
        return Response(_detail(_get(request, Queue.SCORING, enrolment_id)))


class ScoreAttachmentView(APIView):
    """Upload the material of a skills assessment or a case-record review (multipart `file`: pdf, jpg or png,
    at most 20 MB; `purpose` skills or case_review)."""

    permission_codes = {"post": Perm.SCORE_ENTER}
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="results_scoring_attachments_create",
        request={"multipart/form-data": ScoreAttachmentUploadInput},
        responses={201: ResultAttachmentOutput},
    )
    def post(self, request, enrolment_id):
        _get(request, Queue.SCORING, enrolment_id)
        data = ScoreAttachmentUploadInput(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = services.score_attachment_upload(
            actor=get_actor(request),
            user=request.user,
            enrolment_id=enrolment_id,
            upload=data.validated_data["file"],
            purpose=data.validated_data["purpose"],
            request=request,
        )
        return Response(ResultAttachmentOutput(attachment).data, status=status.HTTP_201_CREATED)


class ScoreAttachmentDownloadView(APIView):
    """A short-lived link to a scoring attachment (audited)."""

    permission_codes = {"post": Perm.SCORE_ENTER}

    @extend_schema(
        operation_id="results_scoring_attachments_download",
        request=None,
        responses=EnrolmentAttachmentDownloadOutput,
    )
    def post(self, request, enrolment_id, attachment_id):
        link = services.score_attachment_download_url(
            actor=get_actor(request),
            user=request.user,
            enrolment_id=enrolment_id,
            attachment_id=attachment_id,
            request=request,
        )
        return Response(EnrolmentAttachmentDownloadOutput(link).data)


# --- the body -------------------------------------------------------------------------------------------


class CompetenceTestRecordView(APIView):
    """Record a competence test result by hand (until the exam engine reports it). 录入业务水平测评成绩。"""

    permission_codes = {"post": Perm.SCORE_CONFIRM}

    @extend_schema(
        operation_id="results_body_competence_test_create",
        request=CompetenceTestRecordInput,
        responses=ResultDetailOutput,
    )
    def post(self, request, enrolment_id):
        _get(request, Queue.SCORING, enrolment_id, code=Perm.SCORE_CONFIRM)
        data = CompetenceTestRecordInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.competence_test_record_by_hand(
            actor=get_actor(request),
            user=request.user,
            enrolment_id=enrolment_id,
            request=request,
            **data.validated_data,
        )
        return Response(_detail(_get(request, Queue.SCORING, enrolment_id, code=Perm.SCORE_CONFIRM)))


def _action_views(
    queue: str, code: str, name: str, service, summary: str, *, output=ResultBulkOutput, **fixed
):
    """A one-by-one and a bulk view of one action (the one answers the enrolment, the bulk the count)."""

    class OneView(APIView):
        __doc__ = summary
        permission_codes = {"post": code}

        @extend_schema(
            operation_id=f"results_{queue}_{name}", request=ResultCommentInput, responses=ResultDetailOutput
        )
        def post(self, request, enrolment_id):
            actor = get_actor(request)
            data = ResultCommentInput(data=request.data)
            data.is_valid(raise_exception=True)
            service(
                actor=actor,
                user=request.user,
                enrolment_ids=[enrolment_id],
                comment=data.validated_data["comment"],
                request=request,
                **fixed,
            )
            enrolment = selectors.result_get_after_action(enrolment_id=enrolment_id)
            return Response(_detail(enrolment))

    class BulkView(APIView):
        __doc__ = f"{summary} In bulk, all or nothing."
        permission_codes = {"post": code}

        @extend_schema(operation_id=f"results_{queue}_bulk_{name}", request=ResultBulkInput, responses=output)
        def post(self, request):
            data = ResultBulkInput(data=request.data)
            data.is_valid(raise_exception=True)
            result = service(
                actor=get_actor(request),
                user=request.user,
                enrolment_ids=data.validated_data["ids"],
                comment=data.validated_data["comment"],
                request=request,
                **fixed,
            )
            return Response(output(result if isinstance(result, dict) else {"count": result}).data)

    title = f"{queue.capitalize()}{name.title().replace('_', '')}"
    OneView.__name__ = OneView.__qualname__ = f"Result{title}View"
    BulkView.__name__ = BulkView.__qualname__ = f"Result{title}BulkView"
    return OneView, BulkView


BODY_CONFIRM = _action_views(
    Queue.BODY, Perm.SCORE_CONFIRM, "confirm", services.score_confirm_many, "Confirm the scores. 成绩认定。"
)
BODY_PUBLISH = _action_views(
    Queue.BODY,
    Perm.SCORE_CONFIRM,
    "publish",
    services.result_publish_many,
    "Publish the result for the publicity period. 公示。",
)
COMMITTEE_CONFIRM = _action_views(
    Queue.COMMITTEE,
    Perm.RESULT_CONFIRM,
    "confirm",
    services.result_finalize_many,
    "Confirm the result after the publicity (pass: final; fail: make-up list or final). 结果确认。",
    output=ResultFinalizeOutput,
)
MAKEUP_ALLOW = _action_views(
    Queue.MAKEUP,
    Perm.MAKEUP_DECIDE,
    "allow",
    services.makeup_decide_many,
    "Allow make-up participation (province). 确认参加补考。",
    allow=True,
)
MAKEUP_REFUSE = _action_views(
    Queue.MAKEUP,
    Perm.MAKEUP_DECIDE,
    "refuse",
    services.makeup_decide_many,
    "Refuse make-up participation: the result is a final fail (province). 不允许参加补考。",
    allow=False,
)


# --- exports and reads ----------------------------------------------------------------------------------


def _export_view(queue: str, kind: str, label: str):
    class ExportView(APIView):
        __doc__ = f"Export {label} (same filters and reach as the list) to .xlsx as a background job."
        permission_codes = {"post": Perm.ENROLMENT_VIEW}

        @extend_schema(
            operation_id=f"results_{queue}_export",
            request=ResultExportInput,
            responses={202: ResultJobOutput},
        )
        def post(self, request):
            actor = get_actor(request)
            data = ResultExportInput(data=request.data)
            data.is_valid(raise_exception=True)
            f = data.validated_data
            filters = {
                "cycle_id": str(f["cycle"]) if f.get("cycle") else None,
                "status": f.get("status", ""),
                "procedure": f.get("procedure", ""),
                "result_level": f.get("result_level", ""),
                "name": f.get("name", ""),
                "organization_id": str(f["organization"]) if f.get("organization") else None,
                "department_id": str(f["department"]) if f.get("department") else None,
            }
            selectors.result_list_for_actor(actor=actor, queue=queue)  # 403 now rather than in the job
            job = job_start(
                kind=kind,
                user=request.user,
                organization_id=actor.organization_id,
                params={"role": actor.role, "filters": filters},
                request=request,
            )
            return Response(
                ResultJobOutput({"id": job.id, "kind": job.kind, "status": job.status}).data,
                status=status.HTTP_202_ACCEPTED,
            )

    ExportView.__name__ = ExportView.__qualname__ = f"Result{queue.capitalize()}ExportView"
    return ExportView


MakeupExportView = _export_view(Queue.MAKEUP, MAKEUP_EXPORT_KIND, "the make-up list (补考名单)")
FinalExportView = _export_view(Queue.FINAL, FINAL_EXPORT_KIND, "the final results (最终考核结果)")


class ResultEnrolmentDetailView(APIView):
    """One enrolment's scores and result, for anyone who reads the enrolled within reach."""

    permission_codes = {"get": Perm.ENROLMENT_VIEW}

    @extend_schema(operation_id="results_enrolments_retrieve", responses=ResultDetailOutput)
    def get(self, request, enrolment_id):
        actor = get_actor(request)
        enrolment = selectors.result_view_get(actor=actor, enrolment_id=enrolment_id)
        services.result_read_audit(actor=actor, user=request.user, enrolment=enrolment, request=request)
        return Response(_detail(enrolment))


# --- the physician --------------------------------------------------------------------------------------


def _my_result(enrolment) -> dict:
    published = selectors.result_published(enrolment)
    scores = []
    if published:
        settings = selectors.result_settings_of(enrolment)
        weights = {
            c["component"]: c["weight"] for c in selectors.required_components(settings, enrolment.procedure)
        }
        scores = [
            {
                "component": e.component,
                "component_label": _component_label(e.component),
                "sitting": e.sitting,
                "score": e.score,
                "passed": e.passed,
                "weight": weights.get(e.component),
            }
            for e in selectors.scores_of(enrolment)
        ]
    return MyResultOutput(
        {
            "id": enrolment.id,
            "cycle_id": enrolment.cycle_id,
            "cycle_name": enrolment.cycle.name,
            "status": enrolment.status,
            "status_label": enrolment.get_status_display(),
            "procedure": enrolment.procedure,
            "published": published,
            "final": enrolment.status in selectors.FINAL_STATES,
            "total_score": enrolment.total_score if published else None,
            "result_level": (enrolment.result_level or None) if published else None,
            "result_level_label": enrolment.get_result_level_display() if published else None,
            "publicity_ends_on": enrolment.publicity_ends_on if published else None,
            "finalized_at": enrolment.finalized_at,
            "scores": scores,
        }
    ).data


class MyResultView(APIView):
    """The caller's result of one cycle: the total, the level and the scores per component once published
    (公示 on); before that only where they stand. 考核结果。"""

    permission_codes = {"get": Perm.SELF_SERVICE}
    miniprogram_allowed = True

    @extend_schema(operation_id="me_enrolments_result_retrieve", responses=MyResultOutput)
    def get(self, request, enrolment_id):
        enrolment = selectors.my_result_get(user=request.user, enrolment_id=enrolment_id)
        return Response(_my_result(enrolment))
