from django.urls import path

from jobs.api import views

urlpatterns = [
    path("jobs/", views.JobListView.as_view(), name="job-list"),
    path("jobs/<uuid:job_id>/", views.JobDetailView.as_view(), name="job-detail"),
    path("jobs/<uuid:job_id>/download/", views.JobDownloadView.as_view(), name="job-download"),
]
