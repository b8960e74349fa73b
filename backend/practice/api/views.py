"""The physician's 学习 (/me/practice/..., mini-program tokens accepted): practice banks and categories,
practice sessions and mock tests, the wrong-answer book and favourites. Everything is the caller's own;
another physician's session, wrong answer or favourite is a 404.

An exam's own review (its key and explanations once the sitting and its make-up sittings have closed) is
GET /me/exams/attempts/<id>/ of the exam engine; it is not repeated here."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import Perm
from core.pagination import PageNumberPagination
from practice import selectors, services
from practice.api.serializers import (
    MyFavouriteFilterInput,
    MyFavouriteInput,
    MyFavouriteOutput,
    MyPracticeAnswerInput,
    MyPracticeAnswerOutput,
    MyPracticeBankOutput,
    MyPracticeCategoryFilterInput,
    MyPracticeCategoryOutput,
    MyPracticePaperOutput,
    MyPracticeSessionFilterInput,
    MyPracticeSessionInput,
    MyPracticeSessionOutput,
    MyWrongAnswerFilterInput,
    MyWrongAnswerOutput,
)

CATEGORY_PARAMETERS = [
    OpenApiParameter("specialty", str),
    OpenApiParameter("kind", str),
    OpenApiParameter("difficulty", int),
    OpenApiParameter("bank", str, description="practice bank id"),
]


def _paginated(view, request, qs, serializer):
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(qs, request, view=view)
    return paginator.get_paginated_response(serializer(page, many=True).data)


class _Physician(APIView):
    miniprogram_allowed = True


class MyPracticeBankListView(_Physician):
    """Practice banks the caller may practise from (their hospital's, their region's commissions'), with
    the number of questions of their practice category. 练习题库。"""

    pagination_class = PageNumberPagination
    permission_codes = {"get": Perm.SELF_SERVICE}

    @extend_schema(operation_id="me_practice_banks_list", responses=MyPracticeBankOutput(many=True))
    def get(self, request):
        physician = selectors.physician_for_user(request.user)
        qs = selectors.practice_banks_for_physician(physician=physician).select_related("owner")
        return _paginated(self, request, qs, MyPracticeBankOutput)


class MyPracticeCategoryListView(_Physician):
    """Specialties of the practice questions open to the caller, with counts. 练习分类。"""

    pagination_class = PageNumberPagination
    permission_codes = {"get": Perm.SELF_SERVICE}

    @extend_schema(
        operation_id="me_practice_categories_list",
        parameters=[OpenApiParameter("bank", str, description="practice bank id")],
        responses=MyPracticeCategoryOutput(many=True),
    )
    def get(self, request):
        physician = selectors.physician_for_user(request.user)
        filters = MyPracticeCategoryFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = selectors.categories_for_physician(
            physician=physician, bank_id=filters.validated_data.get("bank")
        )
        return _paginated(self, request, qs, MyPracticeCategoryOutput)


class MyPracticeSessionListView(_Physician):
    """The caller's practice sessions and mock tests; POST starts one. 题库练习 / 模拟自测。"""

    pagination_class = PageNumberPagination
    permission_codes = {"get": Perm.SELF_SERVICE, "post": Perm.SELF_SERVICE}

    @extend_schema(
        operation_id="me_practice_sessions_list",
        parameters=[OpenApiParameter("mode", str), OpenApiParameter("status", str)],
        responses=MyPracticeSessionOutput(many=True),
    )
    def get(self, request):
        filters = MyPracticeSessionFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = selectors.session_list(user=request.user, **filters.validated_data)
        return _paginated(self, request, qs, MyPracticeSessionOutput)

    @extend_schema(
        operation_id="me_practice_sessions_create",
        request=MyPracticeSessionInput,
        responses={201: MyPracticePaperOutput},
    )
    def post(self, request):
        selectors.physician_for_user(request.user)  # 404 before 400
        data = MyPracticeSessionInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        session = services.session_start(
            user=request.user,
            bank_id=v.pop("bank"),
            sitting_id=v.pop("sitting"),
            request=request,
            **v,
        )
        return Response(
            MyPracticePaperOutput(selectors.session_view(session)).data, status=status.HTTP_201_CREATED
        )


class MyPracticeSessionView(_Physician):
    """A session with the answers given; in practice mode the key and explanation of every answered
    question, in a mock test those of all questions after submission; the clock of a mock test."""

    permission_codes = {"get": Perm.SELF_SERVICE}

    @extend_schema(operation_id="me_practice_sessions_retrieve", responses=MyPracticePaperOutput)
    def get(self, request, session_id):
        session = selectors.session_get(user=request.user, session_id=session_id)
        return Response(MyPracticePaperOutput(selectors.session_view(session)).data)


class MyPracticeAnswerView(_Physician):
    """Answer one question. Practice: right or wrong, the key and the explanation at once (the first answer
    is final). Mock test: saved until submission. 作答。"""

    permission_codes = {"put": Perm.SELF_SERVICE}

    @extend_schema(
        operation_id="me_practice_sessions_answer",
        request=MyPracticeAnswerInput,
        responses=MyPracticeAnswerOutput,
    )
    def put(self, request, session_id):
        selectors.session_get(user=request.user, session_id=session_id)  # 404 before 400
        data = MyPracticeAnswerInput(data=request.data)
        data.is_valid(raise_exception=True)
        reply = services.session_answer(user=request.user, session_id=session_id, **data.validated_data)
        return Response(MyPracticeAnswerOutput(reply).data)


class MyPracticeSubmitView(_Physician):
    """End the session (idempotent); a mock test is graded by the exam rules. 交卷。"""

    permission_codes = {"post": Perm.SELF_SERVICE}

    @extend_schema(operation_id="me_practice_sessions_submit", request=None, responses=MyPracticePaperOutput)
    def post(self, request, session_id):
        session = services.session_submit(user=request.user, session_id=session_id, request=request)
        return Response(MyPracticePaperOutput(selectors.session_view(session)).data)


class MyWrongAnswerListView(_Physician):
    """The wrong-answer book (open entries by default), with the key, the explanation and the last wrong
    choice. Opening it first collects the wrong answers of graded exams whose sitting has closed. 错题集。"""

    pagination_class = PageNumberPagination
    permission_codes = {"get": Perm.SELF_SERVICE}

    @extend_schema(
        operation_id="me_practice_wrong_answers_list",
        parameters=[
            *CATEGORY_PARAMETERS,
            OpenApiParameter("status", str, description="open (default), cleared or all"),
            OpenApiParameter("source", str, description="practice, mock or exam"),
        ],
        responses=MyWrongAnswerOutput(many=True),
    )
    def get(self, request):
        physician = selectors.physician_for_user(request.user)
        filters = MyWrongAnswerFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        services.wrong_book_refresh(user=request.user)
        qs = selectors.wrong_answer_list(physician=physician, **filters.to_filters())
        return _paginated(self, request, qs, MyWrongAnswerOutput)


class MyWrongAnswerView(_Physician):
    permission_codes = {"get": Perm.SELF_SERVICE, "delete": Perm.SELF_SERVICE}

    @extend_schema(operation_id="me_practice_wrong_answers_retrieve", responses=MyWrongAnswerOutput)
    def get(self, request, wrong_id):
        physician = selectors.physician_for_user(request.user)
        return Response(
            MyWrongAnswerOutput(selectors.wrong_answer_get(physician=physician, wrong_id=wrong_id)).data
        )

    @extend_schema(operation_id="me_practice_wrong_answers_destroy", responses={204: None})
    def delete(self, request, wrong_id):
        services.wrong_answer_remove(user=request.user, wrong_id=wrong_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyFavouriteListView(_Physician):
    """Favourite practice questions, with the key and explanation; POST keeps one (idempotent: 201 new,
    200 already kept). 收藏夹。"""

    pagination_class = PageNumberPagination
    permission_codes = {"get": Perm.SELF_SERVICE, "post": Perm.SELF_SERVICE}

    @extend_schema(
        operation_id="me_practice_favourites_list",
        parameters=CATEGORY_PARAMETERS,
        responses=MyFavouriteOutput(many=True),
    )
    def get(self, request):
        physician = selectors.physician_for_user(request.user)
        filters = MyFavouriteFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = selectors.favourite_list(physician=physician, **filters.to_filters())
        return _paginated(self, request, qs, MyFavouriteOutput)

    @extend_schema(
        operation_id="me_practice_favourites_create",
        request=MyFavouriteInput,
        responses={200: MyFavouriteOutput, 201: MyFavouriteOutput},
    )
    def post(self, request):
        selectors.physician_for_user(request.user)
        data = MyFavouriteInput(data=request.data)
        data.is_valid(raise_exception=True)
        favourite, created = services.favourite_add(
            user=request.user, question_id=data.validated_data["question"]
        )
        return Response(
            MyFavouriteOutput(favourite).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class MyFavouriteView(_Physician):
    permission_codes = {"get": Perm.SELF_SERVICE, "delete": Perm.SELF_SERVICE}

    @extend_schema(operation_id="me_practice_favourites_retrieve", responses=MyFavouriteOutput)
    def get(self, request, favourite_id):
        physician = selectors.physician_for_user(request.user)
        return Response(
            MyFavouriteOutput(selectors.favourite_get(physician=physician, favourite_id=favourite_id)).data
        )

    @extend_schema(operation_id="me_practice_favourites_destroy", responses={204: None})
    def delete(self, request, favourite_id):
        services.favourite_remove(user=request.user, favourite_id=favourite_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
