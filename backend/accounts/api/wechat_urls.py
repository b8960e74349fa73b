from django.urls import path

from accounts.api import wechat_views as views

urlpatterns = [
    path("auth/wechat/login/", views.WeChatLoginView.as_view(), name="auth-wechat-login"),
    path("auth/wechat/bind-code/", views.WeChatBindCodeRequestView.as_view(), name="auth-wechat-bind-code"),
    path("auth/wechat/bind/", views.WeChatBindView.as_view(), name="auth-wechat-bind"),
    path("physicians/<uuid:pk>/wechat/", views.PhysicianWeChatView.as_view(), name="physician-wechat"),
    path(
        "physicians/<uuid:pk>/wechat/bind-code/",
        views.PhysicianWeChatBindCodeView.as_view(),
        name="physician-wechat-bind-code",
    ),
]
