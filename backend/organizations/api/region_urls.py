from django.urls import path

from organizations.api import region_views

urlpatterns = [
    path("regions/", region_views.RegionListView.as_view(), name="region-list"),
    path("regions/tree/", region_views.RegionTreeView.as_view(), name="region-tree"),
    path("regions/<str:code>/", region_views.RegionDetailView.as_view(), name="region-detail"),
]
