from django.urls import include, path
from django.views.generic import RedirectView

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.account_view, name="account"),
    path("name/", views.account_name_view, name="account_name"),
    path("e-mail/", views.account_email_view, name="account_email"),
    path("e-mail/bestaetigen/<str:token>/", views.email_change_confirm_view, name="email_change_confirm"),
    path("passwort/", views.account_password_view, name="account_password"),
    path("api-zugaenge/", views.api_tokens_view, name="api_tokens"),
    path("api-zugaenge/<int:pk>/widerrufen/", views.api_token_revoke_view, name="api_token_revoke"),
    path("api-zugaenge/alle-widerrufen/", views.api_tokens_revoke_all_view, name="api_tokens_revoke_all"),
    path("", include("accounts.mfa.urls")),
    path("", include("accounts.privacy.urls")),
    path("einloggen/", views.login_view, name="login"),
    path("ausloggen/", views.logout_view, name="logout"),
    # The addresses before logging in and enrolling had words of their own; links in old mails still work.
    path("anmelden/", RedirectView.as_view(pattern_name="accounts:login", query_string=True, permanent=True)),
    path("abmelden/", RedirectView.as_view(pattern_name="accounts:logout", permanent=True)),
    path("registrieren/", views.signup_view, name="signup"),
    path("passwort-vergessen/", views.password_reset_view, name="password_reset"),
    path("passwort-vergessen/gesendet/", views.password_reset_done_view, name="password_reset_done"),
    path("passwort-neu/<uidb64>/<token>/", views.password_reset_confirm_view, name="password_reset_confirm"),
    path("passwort-neu/fertig/", views.password_reset_complete_view, name="password_reset_complete"),
]
