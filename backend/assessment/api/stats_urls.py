"""/api/v1/ routes of progress and statistics: they live in the assessment_stats app."""

from django.urls import include, path

urlpatterns = [path("", include("assessment_stats.api.urls"))]
