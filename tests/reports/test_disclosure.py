from datetime import date

from reports.disclosure import SMALL, complementary_hidden, report_published
from reports.selectors import Breakdown, Figures, Month, Report, Row


def _report(values: list[int], *, adds_up: bool = True) -> Report:
    rows = tuple(
        Row(key=str(i), label=f"Gruppe {i}", figures=Figures(enrolments=v)) for i, v in enumerate(values)
    )
    return Report(
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        labs=(),
        lab=None,
        totals=Figures(enrolments=sum(values), present=4, recorded=4, completed=5, not_completed=0),
        breakdowns=(Breakdown(name="lab", title="Nach Labor", rows=rows, adds_up=adds_up),),
        months=(Month(month=date(2026, 1, 1), runs=1, capacity=10, seats_taken=3),),
    )


def _enrolments(published):
    return [row.figures.enrolments for row in published.breakdown("lab").rows]


def test_counts_under_five_are_hidden():
    published = report_published(report=_report([12, 4, 0, 9]), title="Test")

    assert _enrolments(published)[1:3] == [SMALL, SMALL]
    assert published.totals.enrolments == 25


def test_a_single_hidden_row_hides_the_smallest_other_row_too():
    published = report_published(report=_report([12, 3, 7]), title="Test")

    assert _enrolments(published) == [12, SMALL, SMALL]


def test_rows_that_overlap_get_no_second_hidden_row():
    published = report_published(report=_report([12, 3, 7], adds_up=False), title="Test")

    assert _enrolments(published) == [12, SMALL, 7]


def test_complementary_rule_leaves_two_hidden_rows_alone():
    assert complementary_hidden([2, 3, 10], 15) == set()
    assert complementary_hidden([2, 30, 10], 42) == {2}
    assert complementary_hidden([2, 1], 3) == set()


def test_a_rate_with_a_denominator_under_five_is_not_shown():
    published = report_published(report=_report([12]), title="Test")

    assert published.totals.attendance_rate.value is None
    assert "Weniger als 5" in published.totals.attendance_rate.note
    assert published.totals.completion_rate.value == 1.0


def test_a_month_with_few_seats_taken_shows_no_fill_rate():
    month = report_published(report=_report([12]), title="Test").months[0]

    assert month.seats_taken == SMALL
    assert month.fill_rate.value is None
    assert month.capacity == 10
