"""/api/v1/ routes of the self-report (me/enrolments/...) and of its review (reviews/<stage>/...)."""

from django.urls import path

from assessment.api import report_views as views

_ME = "me/enrolments/<uuid:enrolment_id>/report/"

urlpatterns = [
    path("me/enrolments/", views.MyEnrolmentListView.as_view(), name="me-enrolments"),
    path(_ME, views.MyReportView.as_view(), name="me-enrolment-report"),
    path(f"{_ME}submit/", views.MyReportSubmitView.as_view(), name="me-enrolment-report-submit"),
    path(
        f"{_ME}attachments/",
        views.MyReportAttachmentListView.as_view(),
        name="me-enrolment-report-attachments",
    ),
    path(
        f"{_ME}attachments/<uuid:attachment_id>/",
        views.MyReportAttachmentDetailView.as_view(),
        name="me-enrolment-report-attachment",
    ),
    path(
        f"{_ME}attachments/<uuid:attachment_id>/download/",
        views.MyReportAttachmentDownloadView.as_view(),
        name="me-enrolment-report-attachment-download",
    ),
]

for _stage, _views in (
    ("department", views.DEPARTMENT_VIEWS),
    ("institution", views.INSTITUTION_VIEWS),
    ("body", views.BODY_VIEWS),
):
    _base = f"reviews/{_stage}/"
    _one = f"{_base}<uuid:enrolment_id>/"
    urlpatterns += [
        path(_base, _views["list"].as_view(), name=f"reviews-{_stage}"),
        path(_one, _views["detail"].as_view(), name=f"reviews-{_stage}-detail"),
        path(f"{_one}return/", _views["return"].as_view(), name=f"reviews-{_stage}-return"),
        path(
            f"{_one}attachments/<uuid:attachment_id>/download/",
            _views["attachment_download"].as_view(),
            name=f"reviews-{_stage}-attachment-download",
        ),
    ]
    if "rate" in _views:
        urlpatterns.append(path(f"{_one}rate/", _views["rate"].as_view(), name=f"reviews-{_stage}-rate"))
    if "approve" in _views:
        urlpatterns += [
            path(f"{_one}approve/", _views["approve"].as_view(), name=f"reviews-{_stage}-approve"),
            path(
                f"{_base}bulk-approve/",
                _views["bulk_approve"].as_view(),
                name=f"reviews-{_stage}-bulk-approve",
            ),
        ]
