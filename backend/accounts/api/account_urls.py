from django.urls import path

from accounts.api import account_views as v

urlpatterns = [
    path("accounts/", v.AccountListCreateView.as_view(), name="account-list"),
    path("accounts/bulk-activate/", v.AccountBulkActivateView.as_view(), name="account-bulk-activate"),
    path("accounts/import/", v.AccountImportView.as_view(), name="account-import"),
    path("accounts/import-template/", v.AccountImportTemplateView.as_view(), name="account-import-template"),
    path("accounts/export/", v.AccountExportView.as_view(), name="account-export"),
    path("accounts/<uuid:user_id>/", v.AccountDetailView.as_view(), name="account-detail"),
    path("accounts/<uuid:user_id>/activate/", v.AccountActivateView.as_view(), name="account-activate"),
    path("accounts/<uuid:user_id>/deactivate/", v.AccountDeactivateView.as_view(), name="account-deactivate"),
    path(
        "accounts/<uuid:user_id>/reset-password/",
        v.AccountPasswordResetView.as_view(),
        name="account-reset-password",
    ),
    path(
        "organizations/bulk-allow-apply/",
        v.OrganizationBulkAllowApplyView.as_view(),
        name="organization-bulk-allow-apply",
    ),
    path(
        "organizations/bulk-disallow-apply/",
        v.OrganizationBulkDisallowApplyView.as_view(),
        name="organization-bulk-disallow-apply",
    ),
]
