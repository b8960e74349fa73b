from django.urls import path

from accounts.api import views

urlpatterns = [
    path("auth/login/", views.LoginView.as_view(), name="auth-login"),
    path("auth/refresh/", views.RefreshView.as_view(), name="auth-refresh"),
    path("auth/logout/", views.LogoutView.as_view(), name="auth-logout"),
    path("auth/password/", views.PasswordChangeView.as_view(), name="auth-password"),
    path("me/", views.MeView.as_view(), name="me"),
]
