from django.urls import path

from . import views

urlpatterns = [
    path("meine-daten/", views.my_data_view, name="my_data"),
    path("meine-daten/meine-daten.json", views.my_data_json_view, name="my_data_json"),
    path("meine-daten/meine-daten.pdf", views.my_data_pdf_view, name="my_data_pdf"),
    path("loeschen/", views.erase_view, name="erase"),
    path("loeschen/bestaetigen/", views.erase_confirm_view, name="erase_confirm"),
    path("adresse-bestaetigen/erneut/", views.email_confirm_resend_view, name="email_confirm_resend"),
    path("adresse-bestaetigen/<str:token>/", views.email_confirm_view, name="email_confirm"),
]
