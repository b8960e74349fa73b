"""/api/v1/ routes of enrolment by the institution (医师管理) and of adverse records (不良记录)."""

from django.urls import path

from assessment.api import adverse_views
from assessment.api import enrolment_views as views

_CYCLE = "cycles/<uuid:cycle_id>/"
_ONE = "enrolments/<uuid:enrolment_id>/"

urlpatterns = [
    path(f"{_CYCLE}candidates/", views.EnrolmentCandidateListView.as_view(), name="cycle-candidates"),
    path(
        f"{_CYCLE}candidates/<uuid:physician_id>/reset-password/",
        views.EnrolmentCandidatePasswordResetView.as_view(),
        name="cycle-candidate-reset-password",
    ),
    path(f"{_CYCLE}enrolments/", views.EnrolmentCreateView.as_view(), name="cycle-enrolments"),
    path(f"{_CYCLE}enrolments/bulk/", views.EnrolmentBulkCreateView.as_view(), name="cycle-enrolments-bulk"),
    path(f"{_CYCLE}enrolments/import/", views.EnrolmentImportView.as_view(), name="cycle-enrolments-import"),
    path("enrolments/", views.EnrolmentListView.as_view(), name="enrolments"),
    path("enrolments/export/", views.EnrolmentExportView.as_view(), name="enrolments-export"),
    path(
        "enrolments/import-template/",
        views.EnrolmentImportTemplateView.as_view(),
        name="enrolments-import-template",
    ),
    path(_ONE, views.EnrolmentDetailView.as_view(), name="enrolment-detail"),
    path(f"{_ONE}withdraw/", views.EnrolmentWithdrawView.as_view(), name="enrolment-withdraw"),
    path(
        f"{_ONE}reset-password/", views.EnrolmentPasswordResetView.as_view(), name="enrolment-reset-password"
    ),
    path("adverse-records/", adverse_views.AdverseRecordListView.as_view(), name="adverse-records"),
    path(
        "adverse-records/import/",
        adverse_views.AdverseRecordImportView.as_view(),
        name="adverse-records-import",
    ),
    path(
        "adverse-records/import-template/",
        adverse_views.AdverseRecordImportTemplateView.as_view(),
        name="adverse-records-import-template",
    ),
    path(
        "adverse-records/<uuid:record_id>/",
        adverse_views.AdverseRecordDetailView.as_view(),
        name="adverse-record-detail",
    ),
]
