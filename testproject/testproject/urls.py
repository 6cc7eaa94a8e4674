from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from testproject import views

urlpatterns = [
    path("", views.session_page, name="session"),
    path("session.json", views.session_json, name="session-json"),
    path("signup/", views.signup, name="signup"),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="form.html", extra_context=views.LOGIN_PAGE),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("counter/", views.counter, name="counter"),
    path("cart/", views.cart, name="cart"),
    # The async twins, which the pages use under ASGI.
    path("async/login/", views.async_login, name="async-login"),
    path("async/logout/", views.async_logout, name="async-logout"),
    path("async/counter/", views.async_counter, name="async-counter"),
    path("expiry/", views.expiry, name="expiry"),
]
