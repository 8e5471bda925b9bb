from django.urls import include, path

from . import staff, views

app_name = "certificates"

urlpatterns = [
    path("verify/", views.verify_form_view, name="verify_form"),
    path("verify/<str:code>/", views.verify_view, name="verify"),
    path("zertifikate/<str:code>.pdf", views.certificate_pdf_view, name="pdf"),
    path("team/zertifikate/", include(staff.urlpatterns)),
]
