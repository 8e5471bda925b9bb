"""Public pages of the labs app, under /innovationsworkshops/anfrage/ (config/urls.py)."""

from django.urls import path

from . import views

app_name = "workshop_requests"

urlpatterns = [
    path("", views.workshop_request_create_view, name="create"),
    path("danke/", views.workshop_request_done_view, name="done"),
]
