"""Staff routes of the exam engine (/exams/...): banks, questions with versions, import and export,
blueprints, sittings, make-up grants, attempts with scores. Everything is scoped to what the caller's
organisation owns (the province commission for the province's exams, a hospital for its own); another
owner's ID is a 404."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import Perm
from core import xlsx
from core.errors import Conflict
from core.pagination import PageNumberPagination
from core.permissions import get_actor
from exams.api.serializers import (
    ExamAttemptFilterInput,
    ExamAttemptOutput,
    ExamBankFilterInput,
    ExamBankInput,
    ExamBankOutput,
    ExamBankUpdateInput,
    ExamBlueprintInput,
    ExamBlueprintOutput,
    ExamBlueprintUpdateInput,
    ExamImportInput,
    ExamJobOutput,
    ExamMakeupGrantInput,
    ExamMakeupGrantOutput,
    ExamQuestionFilterInput,
    ExamQuestionInput,
    ExamQuestionOutput,
    ExamQuestionUpdateInput,
    ExamQuestionVersionOutput,
    ExamSittingInput,
    ExamSittingOutput,
    ExamSittingUpdateInput,
    ExamTemplateOutput,
)
from exams.jobs import EXPORT_KIND, IMPORT_COLUMNS, IMPORT_KIND, PREPARE_KIND
from exams.selectors import attempts as attempt_selectors
from exams.selectors import banks as selectors
from exams.services import banks as bank_services
from exams.services import papers as paper_services
from jobs.services import job_start

CONTENT_FIELDS = ("stem", "options", "answer", "items", "explanation")
CLASSIFICATION_FIELDS = ("specialty", "practice_category", "difficulty", "tags")


def _paginated(view, request, qs, serializer):
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(qs, request, view=view)
    return paginator.get_paginated_response(serializer(page, many=True).data)


def _job_output(job) -> dict:
    return ExamJobOutput({"id": job.id, "kind": job.kind, "status": job.status}).data


# --- banks ------------------------------------------------------------------------------------------


class ExamBankListView(APIView):
    """Question banks of the caller's organisation. 题库。"""

    pagination_class = PageNumberPagination
    permission_codes = {"get": Perm.EXAM_VIEW, "post": Perm.EXAM_MANAGE}

    @extend_schema(
        operation_id="exams_banks_list",
        parameters=[OpenApiParameter("purpose", str), OpenApiParameter("search", str)],
        responses=ExamBankOutput(many=True),
    )
    def get(self, request):
        filters = ExamBankFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = selectors.bank_list_for_actor(actor=get_actor(request), **filters.validated_data)
        return _paginated(self, request, qs, ExamBankOutput)

    @extend_schema(operation_id="exams_banks_create", request=ExamBankInput, responses={201: ExamBankOutput})
    def post(self, request):
        data = ExamBankInput(data=request.data)
        data.is_valid(raise_exception=True)
        bank = bank_services.bank_create(
            actor=get_actor(request), user=request.user, request=request, **data.validated_data
        )
        return Response(ExamBankOutput(bank).data, status=status.HTTP_201_CREATED)


class ExamBankDetailView(APIView):
    permission_codes = {"get": Perm.EXAM_VIEW, "patch": Perm.EXAM_MANAGE, "delete": Perm.EXAM_MANAGE}

    @extend_schema(operation_id="exams_banks_retrieve", responses=ExamBankOutput)
    def get(self, request, bank_id):
        bank = selectors.bank_get_for_actor(actor=get_actor(request), bank_id=bank_id)
        return Response(ExamBankOutput(bank).data)

    @extend_schema(operation_id="exams_banks_update", request=ExamBankUpdateInput, responses=ExamBankOutput)
    def patch(self, request, bank_id):
        actor = get_actor(request)
        selectors.bank_get_for_actor(actor=actor, bank_id=bank_id)  # 404 before 400
        data = ExamBankUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        bank = bank_services.bank_update(
            actor=actor, user=request.user, bank_id=bank_id, request=request, **data.validated_data
        )
        return Response(ExamBankOutput(bank).data)

    @extend_schema(operation_id="exams_banks_destroy", responses={204: None})
    def delete(self, request, bank_id):
        bank_services.bank_delete(
            actor=get_actor(request), user=request.user, bank_id=bank_id, request=request
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class ExamBankImportView(APIView):
    """Import questions into a bank from .xlsx as a background job: every row is checked, any bad row fails
    the job with a row report and nothing is stored. 导入题目。"""

    permission_codes = {"post": Perm.EXAM_MANAGE}
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="exams_banks_import",
        request={"multipart/form-data": ExamImportInput},
        responses={202: ExamJobOutput},
    )
    def post(self, request, bank_id):
        actor = get_actor(request)
        bank = selectors.bank_get_for_actor(actor=actor, bank_id=bank_id)
        upload = request.FILES.get("file")
        xlsx.check_xlsx_upload(upload)
        job = job_start(
            kind=IMPORT_KIND,
            user=request.user,
            organization_id=actor.organization_id,
            params={"role": actor.role, "bank_id": str(bank.id)},
            upload=upload,
            request=request,
        )
        return Response(_job_output(job), status=status.HTTP_202_ACCEPTED)


class ExamBankExportView(APIView):
    """Export a bank's questions to .xlsx (the import's columns) as a background job. 导出题目。"""

    permission_codes = {"post": Perm.EXAM_MANAGE}

    @extend_schema(operation_id="exams_banks_export", request=None, responses={202: ExamJobOutput})
    def post(self, request, bank_id):
        actor = get_actor(request)
        bank = selectors.bank_get_for_actor(actor=actor, bank_id=bank_id)
        job = job_start(
            kind=EXPORT_KIND,
            user=request.user,
            organization_id=actor.organization_id,
            params={"role": actor.role, "bank_id": str(bank.id)},
            request=request,
        )
        return Response(_job_output(job), status=status.HTTP_202_ACCEPTED)


class ExamQuestionImportTemplateView(APIView):
    """A download link for the question import template. 导入模板。"""

    permission_codes = {"get": Perm.EXAM_MANAGE}

    @extend_schema(operation_id="exams_questions_import_template", responses=ExamTemplateOutput)
    def get(self, request):
        return Response(
            ExamTemplateOutput(
                xlsx.template_link(IMPORT_COLUMNS, name="题目导入模板.xlsx", slug="exam-questions-import")
            ).data
        )


# --- questions ----------------------------------------------------------------------------------------

QUESTION_PARAMETERS = [
    OpenApiParameter("bank", str, description="bank id"),
    OpenApiParameter("kind", str),
    OpenApiParameter("specialty", str),
    OpenApiParameter("practice_category", str),
    OpenApiParameter("difficulty", int),
    OpenApiParameter("tag", str),
    OpenApiParameter("search", str, description="text in the stem"),
]


class ExamQuestionListView(APIView):
    """Questions of the caller's banks (current versions, with the key: staff only). 题目。"""

    pagination_class = PageNumberPagination
    permission_codes = {"get": Perm.EXAM_VIEW, "post": Perm.EXAM_MANAGE}

    @extend_schema(
        operation_id="exams_questions_list",
        parameters=QUESTION_PARAMETERS,
        responses=ExamQuestionOutput(many=True),
    )
    def get(self, request):
        filters = ExamQuestionFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = selectors.question_list_for_actor(actor=get_actor(request), **filters.to_filters())
        return _paginated(self, request, qs, ExamQuestionOutput)

    @extend_schema(
        operation_id="exams_questions_create", request=ExamQuestionInput, responses={201: ExamQuestionOutput}
    )
    def post(self, request):
        data = ExamQuestionInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        question = bank_services.question_create(
            actor=get_actor(request),
            user=request.user,
            bank_id=v["bank"],
            kind=v["kind"],
            content={f: v[f] for f in CONTENT_FIELDS},
            classification={f: v[f] for f in CLASSIFICATION_FIELDS},
            request=request,
        )
        return Response(ExamQuestionOutput(question).data, status=status.HTTP_201_CREATED)


class ExamQuestionDetailView(APIView):
    """One question. PATCH with content (stem, options, answer, items, explanation) makes a new version;
    papers already drawn keep theirs. DELETE removes it from future papers."""

    permission_codes = {"get": Perm.EXAM_VIEW, "patch": Perm.EXAM_MANAGE, "delete": Perm.EXAM_MANAGE}

    @extend_schema(operation_id="exams_questions_retrieve", responses=ExamQuestionOutput)
    def get(self, request, question_id):
        question = selectors.question_get_for_actor(actor=get_actor(request), question_id=question_id)
        return Response(ExamQuestionOutput(question).data)

    @extend_schema(
        operation_id="exams_questions_update", request=ExamQuestionUpdateInput, responses=ExamQuestionOutput
    )
    def patch(self, request, question_id):
        actor = get_actor(request)
        selectors.question_get_for_actor(actor=actor, question_id=question_id)
        data = ExamQuestionUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        question = bank_services.question_update(
            actor=actor,
            user=request.user,
            question_id=question_id,
            content={f: v[f] for f in CONTENT_FIELDS if f in v},
            classification={f: v[f] for f in CLASSIFICATION_FIELDS if f in v},
            request=request,
        )
        return Response(ExamQuestionOutput(question).data)

    @extend_schema(operation_id="exams_questions_destroy", responses={204: None})
    def delete(self, request, question_id):
        bank_services.question_delete(
            actor=get_actor(request), user=request.user, question_id=question_id, request=request
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class ExamQuestionVersionListView(APIView):
    """Every version of a question, newest first. 版本。"""

    pagination_class = PageNumberPagination
    permission_codes = {"get": Perm.EXAM_VIEW}

    @extend_schema(operation_id="exams_questions_versions", responses=ExamQuestionVersionOutput(many=True))
    def get(self, request, question_id):
        question = selectors.question_get_for_actor(actor=get_actor(request), question_id=question_id)
        return _paginated(self, request, selectors.question_versions(question), ExamQuestionVersionOutput)


# --- blueprints ---------------------------------------------------------------------------------------


class ExamBlueprintListView(APIView):
    """Blueprints (组卷方案): counts per type, specialty and difficulty, points, time limit, pass mark."""

    pagination_class = PageNumberPagination
    permission_codes = {"get": Perm.EXAM_VIEW, "post": Perm.EXAM_MANAGE}

    @extend_schema(
        operation_id="exams_blueprints_list",
        parameters=[OpenApiParameter("bank", str, description="bank id")],
        responses=ExamBlueprintOutput(many=True),
    )
    def get(self, request):
        bank = request.query_params.get("bank") or None
        if bank:
            selectors.bank_get_for_actor(actor=get_actor(request), bank_id=bank)
        qs = selectors.blueprint_list_for_actor(actor=get_actor(request), bank_id=bank)
        return _paginated(self, request, qs, ExamBlueprintOutput)

    @extend_schema(
        operation_id="exams_blueprints_create",
        request=ExamBlueprintInput,
        responses={201: ExamBlueprintOutput},
    )
    def post(self, request):
        data = ExamBlueprintInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        blueprint = paper_services.blueprint_create(
            actor=get_actor(request), user=request.user, bank_id=v.pop("bank"), request=request, **v
        )
        return Response(ExamBlueprintOutput(blueprint).data, status=status.HTTP_201_CREATED)


class ExamBlueprintDetailView(APIView):
    permission_codes = {"get": Perm.EXAM_VIEW, "patch": Perm.EXAM_MANAGE}

    @extend_schema(operation_id="exams_blueprints_retrieve", responses=ExamBlueprintOutput)
    def get(self, request, blueprint_id):
        blueprint = selectors.blueprint_get_for_actor(actor=get_actor(request), blueprint_id=blueprint_id)
        return Response(ExamBlueprintOutput(blueprint).data)

    @extend_schema(
        operation_id="exams_blueprints_update",
        request=ExamBlueprintUpdateInput,
        responses=ExamBlueprintOutput,
    )
    def patch(self, request, blueprint_id):
        actor = get_actor(request)
        selectors.blueprint_get_for_actor(actor=actor, blueprint_id=blueprint_id)
        data = ExamBlueprintUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        blueprint = paper_services.blueprint_update(
            actor=actor, user=request.user, blueprint_id=blueprint_id, request=request, **data.validated_data
        )
        return Response(ExamBlueprintOutput(blueprint).data)


# --- sittings -----------------------------------------------------------------------------------------


class ExamSittingListView(APIView):
    """Exam sittings (an exam with a window; optionally a cycle's competence test). 考试。"""

    pagination_class = PageNumberPagination
    permission_codes = {"get": Perm.EXAM_VIEW, "post": Perm.EXAM_MANAGE}

    @extend_schema(
        operation_id="exams_sittings_list",
        parameters=[OpenApiParameter("cycle", str, description="cycle id"), OpenApiParameter("search", str)],
        responses=ExamSittingOutput(many=True),
    )
    def get(self, request):
        qs = selectors.sitting_list_for_actor(
            actor=get_actor(request),
            cycle_id=_uuid_param(request, "cycle"),
            search=request.query_params.get("search", ""),
        )
        return _paginated(self, request, qs, ExamSittingOutput)

    @extend_schema(
        operation_id="exams_sittings_create", request=ExamSittingInput, responses={201: ExamSittingOutput}
    )
    def post(self, request):
        data = ExamSittingInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        sitting = paper_services.sitting_create(
            actor=get_actor(request),
            user=request.user,
            blueprint_id=v.pop("blueprint"),
            cycle_id=v.pop("cycle"),
            makeup_of_id=v.pop("makeup_of"),
            request=request,
            **v,
        )
        return Response(ExamSittingOutput(sitting).data, status=status.HTTP_201_CREATED)


def _uuid_param(request, name):
    import uuid

    from core.errors import ApplicationError

    value = request.query_params.get(name)
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise ApplicationError(code="invalid", attr=name) from exc


class ExamSittingDetailView(APIView):
    permission_codes = {"get": Perm.EXAM_VIEW, "patch": Perm.EXAM_MANAGE}

    @extend_schema(operation_id="exams_sittings_retrieve", responses=ExamSittingOutput)
    def get(self, request, sitting_id):
        sitting = selectors.sitting_get_for_actor(actor=get_actor(request), sitting_id=sitting_id)
        return Response(ExamSittingOutput(sitting).data)

    @extend_schema(
        operation_id="exams_sittings_update", request=ExamSittingUpdateInput, responses=ExamSittingOutput
    )
    def patch(self, request, sitting_id):
        actor = get_actor(request)
        selectors.sitting_get_for_actor(actor=actor, sitting_id=sitting_id)
        data = ExamSittingUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        if "blueprint" in v:
            v["blueprint_id"] = v.pop("blueprint")
        sitting = paper_services.sitting_update(
            actor=actor, user=request.user, sitting_id=sitting_id, request=request, **v
        )
        return Response(ExamSittingOutput(sitting).data)


class ExamSittingPreparePapersView(APIView):
    """Draw ahead, as a background job, the paper of every physician who may take the sitting and has not
    started it, so that starting only stores the attempt (预先组卷). Idempotent: fresh papers are kept. Poll
    the job for its progress and summary ({"eligible", "prepared", "kept", "failed"})."""

    permission_codes = {"post": Perm.EXAM_MANAGE}

    @extend_schema(operation_id="exams_sittings_prepare_papers", request=None, responses={202: ExamJobOutput})
    def post(self, request, sitting_id):
        actor = get_actor(request)
        sitting = selectors.sitting_get_for_actor(actor=actor, sitting_id=sitting_id)
        if sitting.closes_at <= timezone.now():
            raise Conflict(_("考试已结束。"), code="sitting_closed")
        job = job_start(
            kind=PREPARE_KIND,
            user=request.user,
            organization_id=actor.organization_id,
            params={"role": actor.role, "sitting_id": str(sitting.id)},
            request=request,
        )
        return Response(_job_output(job), status=status.HTTP_202_ACCEPTED)


class ExamMakeupGrantView(APIView):
    """Grant one more attempt in the sitting to a physician (补考); its paper avoids their earlier
    questions."""

    permission_codes = {"post": Perm.EXAM_MANAGE}

    @extend_schema(
        operation_id="exams_sittings_makeups_create",
        request=ExamMakeupGrantInput,
        responses={201: ExamMakeupGrantOutput},
    )
    def post(self, request, sitting_id):
        actor = get_actor(request)
        selectors.sitting_get_for_actor(actor=actor, sitting_id=sitting_id)
        data = ExamMakeupGrantInput(data=request.data)
        data.is_valid(raise_exception=True)
        grant = paper_services.makeup_grant(
            actor=actor,
            user=request.user,
            sitting_id=sitting_id,
            physician_id=data.validated_data["physician"],
            reason=data.validated_data["reason"],
            request=request,
        )
        return Response(ExamMakeupGrantOutput(grant).data, status=status.HTTP_201_CREATED)


# --- attempts -----------------------------------------------------------------------------------------


class ExamAttemptListView(APIView):
    """Attempts at the caller's sittings with their scores. 考试成绩。"""

    pagination_class = PageNumberPagination
    permission_codes = {"get": Perm.EXAM_VIEW}

    @extend_schema(
        operation_id="exams_attempts_list",
        parameters=[
            OpenApiParameter("sitting", str, description="sitting id"),
            OpenApiParameter("status", str),
            OpenApiParameter("passed", bool),
            OpenApiParameter("search", str, description="name or licence number"),
        ],
        responses=ExamAttemptOutput(many=True),
    )
    def get(self, request):
        filters = ExamAttemptFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = attempt_selectors.attempt_list_for_actor(actor=get_actor(request), **filters.to_filters())
        return _paginated(self, request, qs, ExamAttemptOutput)


class ExamAttemptDetailView(APIView):
    permission_codes = {"get": Perm.EXAM_VIEW}

    @extend_schema(operation_id="exams_attempts_retrieve", responses=ExamAttemptOutput)
    def get(self, request, attempt_id):
        attempt = attempt_selectors.attempt_get_for_actor(actor=get_actor(request), attempt_id=attempt_id)
        return Response(ExamAttemptOutput(attempt).data)
