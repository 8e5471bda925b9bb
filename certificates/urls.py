from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("verify/", views.verify_form_view, name="verify_form"),
    path("verify/<str:code>/", views.verify_view, name="verify"),
    path("zertifikate/<str:code>.pdf", views.certificate_pdf_view, name="pdf"),
]
