from django.urls import path

from organizations.api import views as v

urlpatterns = [
    path("organizations/", v.OrganizationListView.as_view(), name="organization-list"),
    path("organizations/mine/", v.OrganizationMineView.as_view(), name="organization-mine"),
    path(
        "organizations/<uuid:organization_id>/",
        v.OrganizationDetailView.as_view(),
        name="organization-detail",
    ),
    path(
        "organizations/<uuid:organization_id>/deactivate/",
        v.OrganizationDeactivateView.as_view(),
        name="organization-deactivate",
    ),
    path(
        "organizations/<uuid:organization_id>/activate/",
        v.OrganizationActivateView.as_view(),
        name="organization-activate",
    ),
    path("departments/", v.DepartmentListCreateView.as_view(), name="department-list"),
    path("departments/tree/", v.DepartmentTreeView.as_view(), name="department-tree"),
    path("departments/<uuid:department_id>/", v.DepartmentDetailView.as_view(), name="department-detail"),
    path(
        "departments/<uuid:department_id>/enable/", v.DepartmentEnableView.as_view(), name="department-enable"
    ),
    path(
        "departments/<uuid:department_id>/disable/",
        v.DepartmentDisableView.as_view(),
        name="department-disable",
    ),
]
