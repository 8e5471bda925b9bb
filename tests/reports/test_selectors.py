from datetime import date

import pytest

from reports.selectors import report_build
from tests.reports.conftest import PERIOD

pytestmark = pytest.mark.django_db


def _lab_report(district):
    return report_build(labs=[district.lab], lab=district.lab, start=PERIOD.start, end=PERIOD.end)


def test_totals_of_one_lab(district):
    totals = _lab_report(district).totals

    assert totals.enrolments == 10
    assert totals.people == 8
    assert (totals.completed, totals.not_completed) == (7, 1)
    assert totals.completion_rate == 7 / 8
    assert (totals.present, totals.recorded) == (6, 8)
    assert totals.attendance_rate == 0.75
    assert totals.certificates == 6
    assert totals.badges == 5
    assert totals.waitlist_unmet == 1
