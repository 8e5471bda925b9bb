from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("anmelden/", views.login_view, name="login"),
    path("abmelden/", views.logout_view, name="logout"),
    path("registrieren/", views.signup_view, name="signup"),
    path("passwort-vergessen/", views.password_reset_view, name="password_reset"),
    path("passwort-vergessen/gesendet/", views.password_reset_done_view, name="password_reset_done"),
    path("passwort-neu/<uidb64>/<token>/", views.password_reset_confirm_view, name="password_reset_confirm"),
    path("passwort-neu/fertig/", views.password_reset_complete_view, name="password_reset_complete"),
]
