from django.urls import path

from archives.api import views

archive_list = views.ArchiveViewSet.as_view({"get": "list", "post": "create"})
archive_detail = views.ArchiveViewSet.as_view({"get": "retrieve"})

urlpatterns = [
    path("archives/", archive_list, name="archive-list"),
    path("archives/<uuid:pk>/", archive_detail, name="archive-detail"),
]
