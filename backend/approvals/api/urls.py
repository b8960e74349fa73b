from django.urls import path

from approvals.api import views

urlpatterns = [
    path("approvals/types/", views.ApprovalTypeListView.as_view(), name="approval-type-list"),
    path("approvals/chains/", views.ApprovalChainListView.as_view(), name="approval-chain-list"),
    path(
        "approvals/chains/<uuid:pk>/", views.ApprovalChainDetailView.as_view(), name="approval-chain-detail"
    ),
    path("approvals/queue/", views.ApprovalQueueView.as_view(), name="approval-queue"),
    path("approvals/requests/", views.ApprovalRequestListView.as_view(), name="approval-request-list"),
    path(
        "approvals/requests/<uuid:pk>/",
        views.ApprovalRequestDetailView.as_view(),
        name="approval-request-detail",
    ),
    path(
        "approvals/requests/<uuid:pk>/decide/",
        views.ApprovalDecideView.as_view(),
        name="approval-request-decide",
    ),
    path(
        "approvals/requests/<uuid:pk>/withdraw/",
        views.ApprovalWithdrawView.as_view(),
        name="approval-request-withdraw",
    ),
    path(
        "approvals/requests/<uuid:pk>/resubmit/",
        views.ApprovalResubmitView.as_view(),
        name="approval-request-resubmit",
    ),
]
