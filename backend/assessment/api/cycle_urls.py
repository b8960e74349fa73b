"""/api/v1/ routes of assessment cycles and their versioned settings (考核设置)."""

from django.urls import path

from assessment.api import cycle_views as views

_ONE = "cycles/<uuid:cycle_id>/"

urlpatterns = [
    path("cycles/", views.CycleListCreateView.as_view(), name="cycles"),
    path(_ONE, views.CycleDetailView.as_view(), name="cycle-detail"),
    path(f"{_ONE}activate/", views.CycleActivateView.as_view(), name="cycle-activate"),
    path(f"{_ONE}close/", views.CycleCloseView.as_view(), name="cycle-close"),
    path(f"{_ONE}settings/", views.CycleSettingsView.as_view(), name="cycle-settings"),
    path(
        f"{_ONE}settings/versions/",
        views.CycleSettingsVersionListView.as_view(),
        name="cycle-settings-versions",
    ),
]
