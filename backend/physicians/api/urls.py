from django.urls import path

from physicians.api import views

# /api/v1/physicians/<uuid:pk>/wechat/... are the accounts app's (accounts/api/wechat_urls.py).
urlpatterns = [
    path("physicians/", views.PhysicianListCreateView.as_view(), name="physician-list"),
    path("physicians/import/", views.PhysicianImportView.as_view(), name="physician-import"),
    path(
        "physicians/import-template/",
        views.PhysicianImportTemplateView.as_view(),
        name="physician-import-template",
    ),
    path("physicians/export/", views.PhysicianExportView.as_view(), name="physician-export"),
    path("physicians/<uuid:pk>/", views.PhysicianDetailView.as_view(), name="physician-detail"),
    path("physicians/<uuid:pk>/sites/", views.PhysicianSitesView.as_view(), name="physician-sites"),
    path(
        "physicians/<uuid:pk>/education-records/",
        views.PhysicianEducationRecordsView.as_view(),
        name="physician-education-records",
    ),
    path(
        "physicians/<uuid:pk>/practice-records/",
        views.PhysicianPracticeRecordsView.as_view(),
        name="physician-practice-records",
    ),
    path("physicians/<uuid:pk>/transfer/", views.PhysicianTransferView.as_view(), name="physician-transfer"),
    path("me/physician/", views.MyPhysicianView.as_view(), name="me-physician"),
]
