"""/api/v1/ routes of proctoring: staff (/proctoring/...) and the physician's own (/me/proctoring/...)."""

from django.urls import path

from proctoring.api import views

urlpatterns = [
    path(
        "proctoring/sittings/<uuid:sitting_id>/settings/",
        views.ProctoringSettingsView.as_view(),
        name="proctoring-settings",
    ),
    path("proctoring/references/", views.ProctoringReferenceListView.as_view(), name="proctoring-references"),
    path(
        "proctoring/references/<uuid:reference_id>/decide/",
        views.ProctoringReferenceDecideView.as_view(),
        name="proctoring-reference-decide",
    ),
    path("proctoring/attempts/", views.ProctoringSessionListView.as_view(), name="proctoring-attempts"),
    path(
        "proctoring/attempts/<uuid:attempt_id>/",
        views.ProctoringSessionDetailView.as_view(),
        name="proctoring-attempt",
    ),
    path(
        "proctoring/attempts/<uuid:attempt_id>/verdicts/",
        views.ProctoringVerdictView.as_view(),
        name="proctoring-verdicts",
    ),
    path(
        "proctoring/verdicts/<uuid:verdict_id>/confirm/",
        views.ProctoringVerdictConfirmView.as_view(),
        name="proctoring-verdict-confirm",
    ),
    path("proctoring/appeals/", views.ProctoringAppealListView.as_view(), name="proctoring-appeals"),
    path(
        "proctoring/appeals/<uuid:appeal_id>/decide/",
        views.ProctoringAppealDecideView.as_view(),
        name="proctoring-appeal-decide",
    ),
    # the physician
    path("me/proctoring/consent-text/", views.MyConsentTextView.as_view(), name="me-proctoring-consent-text"),
    path(
        "me/proctoring/sittings/<uuid:sitting_id>/consent/",
        views.MyConsentView.as_view(),
        name="me-proctoring-consent",
    ),
    path("me/proctoring/references/", views.MyReferenceView.as_view(), name="me-proctoring-references"),
    path(
        "me/proctoring/attempts/<uuid:attempt_id>/next-snapshot/",
        views.MyNextSnapshotView.as_view(),
        name="me-proctoring-next",
    ),
    path(
        "me/proctoring/attempts/<uuid:attempt_id>/snapshots/",
        views.MyUploadUrlView.as_view(),
        name="me-proctoring-upload-url",
    ),
    path(
        "me/proctoring/snapshots/<uuid:snapshot_id>/register/",
        views.MyRegisterView.as_view(),
        name="me-proctoring-register",
    ),
    path(
        "me/proctoring/attempts/<uuid:attempt_id>/events/",
        views.MyEventView.as_view(),
        name="me-proctoring-events",
    ),
    path(
        "me/proctoring/attempts/<uuid:attempt_id>/evidence/",
        views.MyEvidenceView.as_view(),
        name="me-proctoring-evidence",
    ),
    path(
        "me/proctoring/verdicts/<uuid:verdict_id>/appeal/",
        views.MyAppealView.as_view(),
        name="me-proctoring-appeal",
    ),
]
