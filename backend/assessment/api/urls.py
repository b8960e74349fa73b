"""/api/v1/ routes of the periodic assessment, one module per area."""

from django.urls import include, path

urlpatterns = [
    path("", include("assessment.api.cycle_urls")),
    path("", include("assessment.api.enrolment_urls")),
    path("", include("assessment.api.report_urls")),
    path("", include("assessment.api.result_urls")),
    path("", include("assessment.api.certificate_urls")),
    path("", include("assessment.api.stats_urls")),
]
