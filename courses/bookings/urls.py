from django.urls import path

from . import views

app_name = "bookings"

urlpatterns = [
    path("termine/<int:run_id>/buchen/", views.book_view, name="book"),
    path("meine-buchungen/", views.my_bookings_view, name="my_bookings"),
    path("meine-buchungen/<int:booking_id>/", views.booking_view, name="booking"),
    path("meine-buchungen/<int:booking_id>/stornieren/", views.booking_cancel_view, name="booking_cancel"),
    path(
        "meine-buchungen/<int:booking_id>/plaetze/<int:enrolment_id>/tauschen/",
        views.member_remove_view,
        name="member_remove",
    ),
    path(
        "meine-buchungen/<int:booking_id>/plaetze/<int:enrolment_id>/annehmen/",
        views.offer_answer_view,
        {"answer": "accept"},
        name="offer_accept",
    ),
    path(
        "meine-buchungen/<int:booking_id>/plaetze/<int:enrolment_id>/ablehnen/",
        views.offer_answer_view,
        {"answer": "decline"},
        name="offer_decline",
    ),
    path("einladung/<str:token>/", views.invitation_view, name="invitation"),
]
