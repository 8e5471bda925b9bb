from django.utils.translation import gettext_lazy as _

from accounts.exceptions import Conflict, DomainError, NotAllowed, NotFound

__all__ = [
    "AlreadyEnrolled",
    "AttendanceInvalid",
    "AttendanceTooEarly",
    "Conflict",
    "DomainError",
    "EnrolmentClosed",
    "NotAllowed",
    "NotFound",
    "NotCancellable",
    "RunAlreadyClosed",
    "RunFull",
    "RunNotFinished",
    "RoomTaken",
]


class AlreadyEnrolled(Conflict):
    default_message = _("Sie sind für diesen Kurs bereits angemeldet.")
    code = "already_enrolled"


class EnrolmentClosed(DomainError):
    default_message = _("Für diesen Kurs ist keine Anmeldung mehr möglich.")
    code = "enrolment_closed"


class NotCancellable(DomainError):
    default_message = _("Diese Anmeldung kann nicht mehr abgesagt werden.")
    code = "not_cancellable"


class AttendanceInvalid(DomainError):
    default_message = _("Die Anwesenheit konnte nicht gespeichert werden.")
    code = "attendance_invalid"


class RunAlreadyClosed(Conflict):
    default_message = _("Dieser Kurs ist bereits abgeschlossen.")
    code = "run_closed"


class RunNotFinished(DomainError):
    default_message = _("Der Kurs kann erst nach dem letzten Termin abgeschlossen werden.")
    code = "run_not_finished"


class AttendanceTooEarly(DomainError):
    default_message = _("Die Anwesenheit lässt sich erst ab dem Tag vor dem Treffen eintragen.")
    code = "attendance_too_early"


class RunFull(DomainError):
    default_message = _("Es ist kein Platz mehr frei.")
    code = "run_full"


class RoomTaken(Conflict):
    default_message = _("Der Raum ist zu dieser Zeit schon belegt.")
    code = "room_taken"
