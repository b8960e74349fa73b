from django.urls import path

from assessment_bodies.api import views

APP = "assessment-body-applications/<uuid:application_id>/"
urlpatterns = [
    path("assessment-body-applications/", views.ApplicationListView.as_view(), name="abody-application-list"),
    path(APP, views.ApplicationDetailView.as_view(), name="abody-application-detail"),
    path(f"{APP}submit/", views.ApplicationSubmitView.as_view(), name="abody-application-submit"),
    path(f"{APP}withdraw/", views.ApplicationWithdrawView.as_view(), name="abody-application-withdraw"),
    path(f"{APP}approve/", views.ApplicationApproveView.as_view(), name="abody-application-approve"),
    path(f"{APP}reject/", views.ApplicationRejectView.as_view(), name="abody-application-reject"),
    path(f"{APP}return/", views.ApplicationReturnView.as_view(), name="abody-application-return"),
    path(f"{APP}history/", views.ApplicationHistoryView.as_view(), name="abody-application-history"),
    path(f"{APP}attachments/", views.AttachmentUploadView.as_view(), name="abody-attachment-upload"),
    path(
        f"{APP}attachments/<uuid:attachment_id>/",
        views.AttachmentDetailView.as_view(),
        name="abody-attachment-detail",
    ),
    path(
        f"{APP}attachments/<uuid:attachment_id>/download/",
        views.AttachmentDownloadView.as_view(),
        name="abody-attachment-download",
    ),
    path("assessment-bodies/", views.BodyListView.as_view(), name="abody-list"),
    path("assessment-bodies/mine/served/", views.MyServedView.as_view(), name="abody-mine-served"),
    path("assessment-bodies/<uuid:body_id>/served/", views.BodyServedView.as_view(), name="abody-served"),
    path("assessment-body-assignments/", views.AssignmentListView.as_view(), name="abody-assignment-list"),
    path(
        "assessment-body-assignments/<uuid:assignment_id>/",
        views.AssignmentDetailView.as_view(),
        name="abody-assignment-detail",
    ),
    path(
        "assessment-body-assignments/<uuid:assignment_id>/end/",
        views.AssignmentEndView.as_view(),
        name="abody-assignment-end",
    ),
]
