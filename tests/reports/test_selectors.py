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


def _rows(report, name):
    return {row.key: row.figures for row in report.breakdown(name).rows}


def test_by_municipality_with_not_stated(district):
    rows = _rows(_lab_report(district), "municipality")

    assert rows["hameln"].enrolments == 8
    assert rows["hameln"].people == 6
    assert rows["bad-pyrmont"].enrolments == 1
    assert rows[""].enrolments == 1
    assert rows[""].waitlist_unmet == 1
    assert rows["aerzen"].enrolments == 0


def test_by_age_band_with_not_stated(district):
    rows = _rows(_lab_report(district), "age_band")

    assert rows["65-74"].enrolments == 8
    assert rows[""].enrolments == 2
    assert rows["75+"].enrolments == 0


def test_by_audience_and_format(district):
    report = _lab_report(district)

    assert _rows(report, "audience")["citizens"].enrolments == 10
    assert _rows(report, "audience")["businesses"].enrolments == 0
    assert _rows(report, "format")["in_person"].completed == 7


def test_an_enrolment_counts_in_every_area_of_its_course(district):
    report = _lab_report(district)
    rows = _rows(report, "area")

    assert rows["1"].enrolments == rows["2"].enrolments == 10
    assert rows["1"].certificates == 6
    assert (rows["2"].present, rows["2"].recorded) == (6, 8)
    assert rows["3"].enrolments == 0
    assert not report.breakdown("area").adds_up


def test_by_lab_for_the_district(district):
    report = report_build(
        labs=[district.lab, district.other_lab], lab=None, start=PERIOD.start, end=PERIOD.end
    )
    rows = _rows(report, "lab")

    assert rows[str(district.lab.pk)].enrolments == 10
    assert rows[str(district.other_lab.pk)].enrolments == 5
    assert report.totals.enrolments == 15
    assert report.totals.people == 13


def test_fill_rate_per_month_leaves_out_cancelled_runs(district):
    months = {month.month: month for month in _lab_report(district).months}

    assert len(months) == 12
    assert (months[date(2026, 3, 1)].capacity, months[date(2026, 3, 1)].seats_taken) == (10, 8)
    assert months[date(2026, 3, 1)].fill_rate == 0.8
    assert months[date(2026, 5, 1)].seats_taken == 2
    assert months[date(2026, 6, 1)].runs == 0
    assert months[date(2026, 6, 1)].fill_rate is None


def test_runs_outside_the_period_do_not_count(district):
    report = report_build(
        labs=[district.lab], lab=district.lab, start=date(2026, 4, 1), end=date(2026, 12, 31)
    )

    assert report.totals.enrolments == 2
    assert report.totals.certificates == 0


def _more_runs(district, count):
    from datetime import timedelta

    from courses.models import Enrolment
    from tests.factories import CourseRunFactory, EnrolmentFactory

    for index in range(count):
        run = CourseRunFactory(
            course=district.course,
            capacity=5,
            starts_at=district.march_run.sessions.first().start + timedelta(days=index),
        )
        EnrolmentFactory(run=run, status=Enrolment.Status.COMPLETED, municipality="aerzen")


@pytest.mark.parametrize("runs", [3, 30])
def test_a_fixed_number_of_queries(district, django_assert_num_queries, runs):
    from reports.selectors import REPORT_QUERIES

    _more_runs(district, runs)

    with django_assert_num_queries(REPORT_QUERIES):
        report = _lab_report(district)

    assert report.totals.enrolments == 10 + runs
