from django.urls import path

from . import views

app_name = "competences"

urlpatterns = [
    path("kompetenzpass/", views.passport_view, name="passport"),
    path("kompetenzpass.pdf", views.passport_pdf_view, name="passport_pdf"),
]
