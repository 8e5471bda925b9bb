from django.urls import path

from . import cockpit, views

app_name = "staff"

urlpatterns = [
    path("", cockpit.cockpit_view, name="cockpit"),
    path("wochenplan/", cockpit.week_view, name="week"),
    path("zu-erledigen/", cockpit.needs_action_view, name="needs_action"),
    path("protokoll/", cockpit.audit_log_view, name="audit_log"),
    path("termine/<int:run_id>/", views.run_roster_view, name="run_roster"),
    path("termine/<int:run_id>/anmelden/", views.roster_enrol_view, name="roster_enrol"),
    path(
        "termine/<int:run_id>/warteliste/<int:enrolment_id>/platz/",
        views.roster_waitlist_move_view,
        name="roster_waitlist_move",
    ),
    path(
        "termine/<int:run_id>/anmeldungen/<int:enrolment_id>/abmelden/",
        views.roster_remove_view,
        name="roster_remove",
    ),
    path("termine/<int:run_id>/absagen/", views.run_cancel_view, name="run_cancel"),
    path("termine/<int:run_id>/teilnehmerliste.csv", views.roster_csv_view, name="roster_csv"),
    path("termine/<int:run_id>/teilnehmerliste.pdf", views.roster_pdf_view, name="roster_pdf"),
]
