from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_view, name="report"),
    path("bericht.csv", views.report_download_view, {"file_format": "csv"}, name="report_csv"),
    path("bericht.xlsx", views.report_download_view, {"file_format": "xlsx"}, name="report_xlsx"),
    path("bericht.pdf", views.report_download_view, {"file_format": "pdf"}, name="report_pdf"),
]
