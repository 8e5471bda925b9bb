"""Who may see which report, and the audit entry of every export.

Lab managers see the reports of the labs they manage, alone or together; administrators (superusers) see
every lab's and the district's. Anybody else may see none.
"""

from django.db import transaction
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from accounts.audit import Action, audit_record
from accounts.exceptions import NotAllowed
from labs.selectors import labs_managed_by, user_is_lab_manager

from .disclosure import PublishedReport, report_published
from .params import ReportParams
from .selectors import Report, report_build


class ReportNotAllowed(NotAllowed):
    default_message = NotAllowed.default_message
    code = "report_not_allowed"


def report_labs_for(*, user) -> list:
    """The labs whose reports the person may see (none for anybody but managers and administrators)."""
    if not user.is_authenticated:
        return []
    return list(labs_managed_by(user=user).select_related("municipality"))


def report_may_see(*, user) -> bool:
    return user.is_authenticated and (user.is_superuser or bool(report_labs_for(user=user)))


def report_scope_title(*, user, params: ReportParams | None) -> str:
    """The report's name: the lab's, or all the person's labs (the district, for administrators)."""
    if params is not None and params.lab is not None:
        return params.lab.title
    return _("Landkreis (alle Labore)") if user.is_superuser else _("Alle meine Labore")


def report_for(*, user, params: ReportParams) -> tuple[Report, PublishedReport]:
    """The report the person asked for, and what of it may be shown. A lab the person does not manage, or
    no lab at all to manage, is refused (NotAllowed)."""
    labs = report_labs_for(user=user)
    if not labs and not user.is_superuser:
        raise ReportNotAllowed()
    if params.lab is not None:
        if not user_is_lab_manager(user=user, lab_id=params.lab.pk):
            raise ReportNotAllowed(_("Den Bericht dieses Labors dürfen Sie nicht sehen."))
        labs = [params.lab]
    report = report_build(labs=labs, lab=params.lab, start=params.start, end=params.end)
    return report, report_published(report=report, title=report_scope_title(user=user, params=params))


def report_export_record(*, user, report: PublishedReport, lab_id: int | None, file_format: str) -> None:
    """Writes the audit entry of a download: which lab (if one), which period, which format; no figures."""
    with transaction.atomic():
        audit_record(
            actor=user,
            action=Action.REPORT_EXPORTED,
            lab_id=lab_id,
            summary=_("Bericht %(start)s bis %(end)s als %(format)s heruntergeladen")
            % {
                "start": date_format(report.start, "d.m.Y"),
                "end": date_format(report.end, "d.m.Y"),
                "format": file_format.upper(),
            },
            details={"start": report.start.isoformat(), "end": report.end.isoformat(), "format": file_format},
        )
