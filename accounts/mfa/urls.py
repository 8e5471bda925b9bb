from django.urls import path

from . import views

urlpatterns = [
    path("zwei-faktor/", views.verify_view, name="mfa_verify"),
    path("zwei-faktor/einrichten/", views.setup_view, name="mfa_setup"),
    path("zwei-faktor/wiederherstellungscodes/", views.recovery_codes_view, name="mfa_recovery_codes"),
    path(
        "zwei-faktor/wiederherstellungscodes.txt",
        views.recovery_codes_download_view,
        name="mfa_recovery_codes_download",
    ),
    path(
        "zwei-faktor/wiederherstellungscodes/neu/",
        views.recovery_codes_regenerate_view,
        name="mfa_recovery_codes_regenerate",
    ),
    path("zwei-faktor/verwalten/", views.manage_view, name="mfa_manage"),
    path("zwei-faktor/neues-geraet/", views.device_replace_view, name="mfa_device_replace"),
]
