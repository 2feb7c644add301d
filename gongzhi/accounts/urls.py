from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/security/", views.security, name="security"),
    path("accounts/security/password/", views.password_change, name="password_change"),
    path("accounts/security/two-factor/enrol/", views.two_factor_enrol, name="two_factor_enrol"),
    path("accounts/security/two-factor/disable/", views.two_factor_disable, name="two_factor_disable"),
    path("accounts/security/recovery-codes/", views.recovery_codes_regenerate, name="recovery_codes_regenerate"),
    path("accounts/two-factor/", views.two_factor_verify, name="two_factor_verify"),
]
