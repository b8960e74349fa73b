"""/api/v1/ routes of the exam engine: staff (/exams/...) and the physician's own (/me/exams/...)."""

from django.urls import path

from exams.api import me_views
from exams.api import views as views

urlpatterns = [
    path("exams/banks/", views.ExamBankListView.as_view(), name="exam-banks"),
    path("exams/banks/<uuid:bank_id>/", views.ExamBankDetailView.as_view(), name="exam-bank"),
    path("exams/banks/<uuid:bank_id>/import/", views.ExamBankImportView.as_view(), name="exam-bank-import"),
    path("exams/banks/<uuid:bank_id>/export/", views.ExamBankExportView.as_view(), name="exam-bank-export"),
    path(
        "exams/questions/import-template/",
        views.ExamQuestionImportTemplateView.as_view(),
        name="exam-questions-template",
    ),
    path("exams/questions/", views.ExamQuestionListView.as_view(), name="exam-questions"),
    path("exams/questions/<uuid:question_id>/", views.ExamQuestionDetailView.as_view(), name="exam-question"),
    path(
        "exams/questions/<uuid:question_id>/versions/",
        views.ExamQuestionVersionListView.as_view(),
        name="exam-question-versions",
    ),
    path("exams/blueprints/", views.ExamBlueprintListView.as_view(), name="exam-blueprints"),
    path(
        "exams/blueprints/<uuid:blueprint_id>/",
        views.ExamBlueprintDetailView.as_view(),
        name="exam-blueprint",
    ),
    path("exams/sittings/", views.ExamSittingListView.as_view(), name="exam-sittings"),
    path("exams/sittings/<uuid:sitting_id>/", views.ExamSittingDetailView.as_view(), name="exam-sitting"),
    path(
        "exams/sittings/<uuid:sitting_id>/makeups/",
        views.ExamMakeupGrantView.as_view(),
        name="exam-sitting-makeups",
    ),
    path(
        "exams/sittings/<uuid:sitting_id>/prepare-papers/",
        views.ExamSittingPreparePapersView.as_view(),
        name="exam-sitting-prepare-papers",
    ),
    path("exams/attempts/", views.ExamAttemptListView.as_view(), name="exam-attempts"),
    path("exams/attempts/<uuid:attempt_id>/", views.ExamAttemptDetailView.as_view(), name="exam-attempt"),
    # the physician
    path("me/exams/sittings/", me_views.MyExamSittingListView.as_view(), name="me-exam-sittings"),
    path(
        "me/exams/sittings/<uuid:sitting_id>/start/",
        me_views.MyExamStartView.as_view(),
        name="me-exam-start",
    ),
    path("me/exams/attempts/", me_views.MyExamAttemptListView.as_view(), name="me-exam-attempts"),
    path(
        "me/exams/attempts/<uuid:attempt_id>/", me_views.MyExamAttemptView.as_view(), name="me-exam-attempt"
    ),
    path(
        "me/exams/attempts/<uuid:attempt_id>/answers/",
        me_views.MyExamAnswerView.as_view(),
        name="me-exam-answer",
    ),
    path(
        "me/exams/attempts/<uuid:attempt_id>/sheet/", me_views.MyExamSheetView.as_view(), name="me-exam-sheet"
    ),
    path(
        "me/exams/attempts/<uuid:attempt_id>/takeover/",
        me_views.MyExamTakeoverView.as_view(),
        name="me-exam-takeover",
    ),
    path(
        "me/exams/attempts/<uuid:attempt_id>/submit/",
        me_views.MyExamSubmitView.as_view(),
        name="me-exam-submit",
    ),
]
