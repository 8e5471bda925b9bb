from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("termine/<int:run_id>/anmelden/", views.enrol_view, name="enrol"),
    path("meine-kurse/", views.my_courses_view, name="my_courses"),
    path("meine-kurse/<int:enrolment_id>/absagen/", views.enrolment_cancel_view, name="enrolment_cancel"),
]
