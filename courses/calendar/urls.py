from django.urls import path

from . import views

app_name = "calendar"

urlpatterns = [
    path("runs/<int:run_id>.ics", views.run_calendar_view, name="run"),
    path("labs/<slug:slug>.ics", views.lab_calendar_view, name="lab"),
    path("me/<slug:token>.ics", views.personal_calendar_view, name="personal"),
]
