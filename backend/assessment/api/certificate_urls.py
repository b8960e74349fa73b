from django.urls import path

from assessment.api import certificate_views as views

urlpatterns = [
    path("me/certificates/", views.MyCertificateListView.as_view(), name="me-certificates"),
    path(
        "me/certificates/<uuid:enrolment_id>/download/",
        views.MyCertificateDownloadView.as_view(),
        name="me-certificate-download",
    ),
    path("certificates/", views.CertificateListView.as_view(), name="certificates"),
    path("certificates/batches/", views.CertificateBatchView.as_view(), name="certificate-batches"),
    path(
        "certificates/<uuid:enrolment_id>/download/",
        views.CertificateDownloadView.as_view(),
        name="certificate-download",
    ),
    path(
        "certificates/verify/<str:token>/", views.CertificateVerifyView.as_view(), name="certificate-verify"
    ),
]
