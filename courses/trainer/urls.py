from django.urls import path

from . import views

app_name = "trainer"

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("termine/<int:run_id>/", views.run_detail_view, name="run_detail"),
    path("treffen/<int:session_id>/anwesenheit/", views.session_attendance_view, name="session_attendance"),
    path("treffen/<int:session_id>/ohne-anmeldung/", views.walk_in_view, name="walk_in"),
    path("treffen/<int:session_id>/unterschriften.pdf", views.sign_in_sheet_view, name="sign_in_sheet"),
    path("termine/<int:run_id>/abschliessen/", views.run_close_view, name="run_close"),
]
