from django.urls import path

from core.api import views

urlpatterns = [
    path("health/", views.HealthView.as_view(), name="health"),
    path("meta/", views.MetaView.as_view(), name="meta"),
]
