from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("start/", views.landing_view, name="landing"),
    path("termine/<int:run_id>/anmelden/", views.enrol_view, name="enrol"),
    path("meine-kurse/", views.my_courses_view, name="my_courses"),
    path("meine-kurse/kalender/", views.calendar_feed_view, name="calendar_feed"),
    path("meine-kurse/kalender/neu/", views.calendar_feed_view, {"renew": True}, name="calendar_feed_renew"),
    path(
        "meine-kurse/<int:enrolment_id>/angaben/",
        views.enrolment_statistics_view,
        name="enrolment_statistics",
    ),
    path("meine-kurse/<int:enrolment_id>/absagen/", views.enrolment_cancel_view, name="enrolment_cancel"),
    path(
        "meine-kurse/<int:enrolment_id>/angebot/annehmen/",
        views.offer_answer_view,
        {"answer": "accept"},
        name="offer_accept",
    ),
    path(
        "meine-kurse/<int:enrolment_id>/angebot/ablehnen/",
        views.offer_answer_view,
        {"answer": "decline"},
        name="offer_decline",
    ),
]
