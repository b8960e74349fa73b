"""The physician's exams (/me/exams/..., mini-program tokens accepted): the sittings open to them, start
(idempotent), the paper with saved answers and the clock (resume), answer saving, the answer sheet, device
takeover and submission. Every request that writes carries the device header `X-Device-Id`.

The paper never carries the answer key or explanations before the attempt is submitted and the sitting (with
its make-up sittings) has closed."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import Perm
from core.pagination import PageNumberPagination
from exams.api.serializers import (
    MyExamAnswerInput,
    MyExamAnswerOutput,
    MyExamAttemptOutput,
    MyExamPaperOutput,
    MyExamSheetOutput,
    MyExamSittingOutput,
)
from exams.enums import FINISHED
from exams.selectors import attempts as selectors
from exams.services import attempts as services

DEVICE_HEADER = OpenApiParameter(
    "X-Device-Id", str, location=OpenApiParameter.HEADER, required=True, description="the app install's id"
)


def _device(request) -> str:
    return request.headers.get("X-Device-Id", "")


def _paper(attempt) -> dict:
    # A voided attempt is finished like a submitted one: its key shows once the review opens.
    reveal = attempt.status in FINISHED and selectors.review_open(attempt.sitting)
    return MyExamPaperOutput(selectors.attempt_view(attempt, reveal=reveal)).data


class _Physician(APIView):
    miniprogram_allowed = True


class MyExamSittingListView(_Physician):
    """Exams the caller may take (their hospital's own, their region's province exams, a cycle's test when
    enrolled), each with whether it is proctored and the caller's latest attempt (or null). 试卷列表。"""

    pagination_class = PageNumberPagination
    permission_codes = {"get": Perm.SELF_SERVICE}

    @extend_schema(operation_id="me_exams_sittings_list", responses=MyExamSittingOutput(many=True))
    def get(self, request):
        physician = selectors.physician_for_user(request.user)
        qs = selectors.sittings_for_physician(user=request.user, physician=physician)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        ids = [s.id for s in page]
        context = {
            "attempts": selectors.my_latest_attempts(physician_id=physician.id, sitting_ids=ids),
            "proctored": selectors.proctored_sitting_ids(ids),
        }
        return paginator.get_paginated_response(MyExamSittingOutput(page, many=True, context=context).data)


class MyExamStartView(_Physician):
    """Start the sitting (201), or get the open attempt back (200): idempotent. 开始考试。"""

    permission_codes = {"post": Perm.SELF_SERVICE}

    @extend_schema(
        operation_id="me_exams_sittings_start",
        request=None,
        parameters=[DEVICE_HEADER],
        responses={200: MyExamPaperOutput, 201: MyExamPaperOutput},
    )
    def post(self, request, sitting_id):
        attempt, created = services.attempt_start(
            user=request.user, sitting_id=sitting_id, device_id=_device(request), request=request
        )
        attempt = selectors.my_attempt_get(user=request.user, attempt_id=attempt.pk)
        return Response(_paper(attempt), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class MyExamAttemptListView(_Physician):
    pagination_class = PageNumberPagination
    permission_codes = {"get": Perm.SELF_SERVICE}

    @extend_schema(operation_id="me_exams_attempts_list", responses=MyExamAttemptOutput(many=True))
    def get(self, request):
        qs = selectors.my_attempt_list(user=request.user)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(MyExamAttemptOutput(page, many=True).data)


class MyExamAttemptView(_Physician):
    """The paper with the saved answers, marks and remaining time (resume after a dropped connection).
    After submission and once the sitting has closed: also the key and explanations. 继续作答。"""

    permission_codes = {"get": Perm.SELF_SERVICE}

    @extend_schema(operation_id="me_exams_attempts_retrieve", responses=MyExamPaperOutput)
    def get(self, request, attempt_id):
        attempt = selectors.my_attempt_get(user=request.user, attempt_id=attempt_id)
        return Response(_paper(attempt))


class MyExamAnswerView(_Physician):
    """Save one answer, ordered by (client_epoch, seq): an older request never replaces a newer answer
    (`applied` false, the stored answer returned). Committed before the reply. 保存答案。"""

    permission_codes = {"put": Perm.SELF_SERVICE}

    @extend_schema(
        operation_id="me_exams_attempts_answer",
        request=MyExamAnswerInput,
        parameters=[DEVICE_HEADER],
        responses=MyExamAnswerOutput,
    )
    def put(self, request, attempt_id):
        data = MyExamAnswerInput(data=request.data)
        data.is_valid(raise_exception=True)
        saved = services.answer_save(
            user=request.user, attempt_id=attempt_id, device_id=_device(request), **data.validated_data
        )
        return Response(MyExamAnswerOutput(saved).data)


class MyExamSheetView(_Physician):
    """The answer sheet: answered, unanswered and marked questions, and the clock. 答题卡。"""

    permission_codes = {"get": Perm.SELF_SERVICE}

    @extend_schema(operation_id="me_exams_attempts_sheet", responses=MyExamSheetOutput)
    def get(self, request, attempt_id):
        attempt = selectors.my_attempt_get(user=request.user, attempt_id=attempt_id)
        return Response(MyExamSheetOutput(selectors.answer_sheet(attempt)).data)


class MyExamTakeoverView(_Physician):
    """Continue the attempt on this device; the other device's saves are refused from now on (audited).
    切换设备。"""

    permission_codes = {"post": Perm.SELF_SERVICE}

    @extend_schema(
        operation_id="me_exams_attempts_takeover",
        request=None,
        parameters=[DEVICE_HEADER],
        responses=MyExamPaperOutput,
    )
    def post(self, request, attempt_id):
        services.attempt_takeover(
            user=request.user, attempt_id=attempt_id, device_id=_device(request), request=request
        )
        attempt = selectors.my_attempt_get(user=request.user, attempt_id=attempt_id)
        return Response(_paper(attempt))


class MyExamSubmitView(_Physician):
    """Submit (idempotent): graded at once; the score is shown, the key only after the sitting closes.
    交卷。"""

    permission_codes = {"post": Perm.SELF_SERVICE}

    @extend_schema(
        operation_id="me_exams_attempts_submit",
        request=None,
        parameters=[DEVICE_HEADER],
        responses=MyExamAttemptOutput,
    )
    def post(self, request, attempt_id):
        attempt = services.attempt_submit(
            user=request.user, attempt_id=attempt_id, device_id=_device(request), request=request
        )
        return Response(MyExamAttemptOutput(attempt).data)
