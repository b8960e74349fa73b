"""/api/v1/ routes of scores and results (results/<queue>/...) and the physician's own result
(me/enrolments/<id>/result/)."""

from django.urls import path

from assessment.api import result_views as views

_ONE = "<uuid:enrolment_id>/"

urlpatterns = [
    path(
        "me/enrolments/<uuid:enrolment_id>/result/", views.MyResultView.as_view(), name="me-enrolment-result"
    ),
    path(
        "results/enrolments/<uuid:enrolment_id>/",
        views.ResultEnrolmentDetailView.as_view(),
        name="results-enrolment",
    ),
    # experts
    path(f"results/scoring/{_ONE}scores/", views.ScoreEnterView.as_view(), name="results-scoring-scores"),
    path(
        f"results/scoring/{_ONE}attachments/",
        views.ScoreAttachmentView.as_view(),
        name="results-scoring-attachments",
    ),
    path(
        f"results/scoring/{_ONE}attachments/<uuid:attachment_id>/download/",
        views.ScoreAttachmentDownloadView.as_view(),
        name="results-scoring-attachment-download",
    ),
    # the assessment body
    path(
        f"results/body/{_ONE}competence-test/",
        views.CompetenceTestRecordView.as_view(),
        name="results-body-competence-test",
    ),
    # exports
    path("results/makeup/export/", views.MakeupExportView.as_view(), name="results-makeup-export"),
    path("results/final/export/", views.FinalExportView.as_view(), name="results-final-export"),
]

for _queue, _views in (
    ("scoring", views.SCORING_VIEWS),
    ("body", views.BODY_VIEWS),
    ("committee", views.COMMITTEE_VIEWS),
    ("makeup", views.MAKEUP_VIEWS),
    ("final", views.FINAL_VIEWS),
):
    urlpatterns += [
        path(f"results/{_queue}/", _views["list"].as_view(), name=f"results-{_queue}"),
        path(f"results/{_queue}/{_ONE}", _views["detail"].as_view(), name=f"results-{_queue}-detail"),
    ]

for _queue, _name, (_one, _bulk) in (
    ("body", "confirm", views.BODY_CONFIRM),
    ("body", "publish", views.BODY_PUBLISH),
    ("committee", "confirm", views.COMMITTEE_CONFIRM),
    ("makeup", "allow", views.MAKEUP_ALLOW),
    ("makeup", "refuse", views.MAKEUP_REFUSE),
):
    urlpatterns += [
        path(f"results/{_queue}/{_ONE}{_name}/", _one.as_view(), name=f"results-{_queue}-{_name}"),
        path(f"results/{_queue}/bulk-{_name}/", _bulk.as_view(), name=f"results-{_queue}-bulk-{_name}"),
    ]
