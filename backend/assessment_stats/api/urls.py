"""/api/v1/ routes of progress and statistics (included from assessment/api/stats_urls.py)."""

from django.urls import path

from assessment_stats.api import views

_PROGRESS = "cycles/<uuid:cycle_id>/progress/"

urlpatterns = [
    path(_PROGRESS, views.ProgressView.as_view(), name="cycle-progress"),
    path(f"{_PROGRESS}makeup/", views.MakeupResultView.as_view(), name="cycle-progress-makeup"),
    path(f"{_PROGRESS}final/", views.FinalResultView.as_view(), name="cycle-progress-final"),
    path(f"{_PROGRESS}chart/", views.ProgressChartView.as_view(), name="cycle-progress-chart"),
    path(f"{_PROGRESS}export/", views.ProgressExportView.as_view(), name="cycle-progress-export"),
    path(
        f"{_PROGRESS}physicians/", views.ProgressPhysicianListView.as_view(), name="cycle-progress-physicians"
    ),
    path(
        f"{_PROGRESS}physicians/export/",
        views.ProgressPhysicianExportView.as_view(),
        name="cycle-progress-physicians-export",
    ),
    path(
        "physicians/<uuid:physician_id>/cycles/",
        views.PhysicianCycleListView.as_view(),
        name="physician-cycles",
    ),
    path("me/cycles/", views.MyCycleListView.as_view(), name="me-cycles"),
]
