"""/api/v1/me/practice/...: the physician's 学习 (practice, mock tests, wrong-answer book, favourites)."""

from django.urls import path

from practice.api import views

urlpatterns = [
    path("me/practice/banks/", views.MyPracticeBankListView.as_view(), name="me-practice-banks"),
    path(
        "me/practice/categories/", views.MyPracticeCategoryListView.as_view(), name="me-practice-categories"
    ),
    path("me/practice/sessions/", views.MyPracticeSessionListView.as_view(), name="me-practice-sessions"),
    path(
        "me/practice/sessions/<uuid:session_id>/",
        views.MyPracticeSessionView.as_view(),
        name="me-practice-session",
    ),
    path(
        "me/practice/sessions/<uuid:session_id>/answers/",
        views.MyPracticeAnswerView.as_view(),
        name="me-practice-answer",
    ),
    path(
        "me/practice/sessions/<uuid:session_id>/submit/",
        views.MyPracticeSubmitView.as_view(),
        name="me-practice-submit",
    ),
    path(
        "me/practice/wrong-answers/", views.MyWrongAnswerListView.as_view(), name="me-practice-wrong-answers"
    ),
    path(
        "me/practice/wrong-answers/<uuid:wrong_id>/",
        views.MyWrongAnswerView.as_view(),
        name="me-practice-wrong-answer",
    ),
    path("me/practice/favourites/", views.MyFavouriteListView.as_view(), name="me-practice-favourites"),
    path(
        "me/practice/favourites/<uuid:favourite_id>/",
        views.MyFavouriteView.as_view(),
        name="me-practice-favourite",
    ),
]
