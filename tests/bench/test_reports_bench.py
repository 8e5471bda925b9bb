"""The report benchmark's own code path on a tiny district: its data builder, the report it times and its
SQL floor, whose totals must be the report's (the benchmark refuses a floor that computes other numbers)."""

import random
from dataclasses import asdict

import pytest
from django.db import connection

from bench.reports import build_data, run_floor, run_report
from bench.reports_floor import floor_totals

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiny_district():
    return build_data(random.Random(1), enrolments=200, labs=2)


def test_the_data_has_the_places_asked_for(tiny_district):
    assert tiny_district["enrolments"] == 200
    assert len(tiny_district["labs"]) == 2


def test_the_report_of_the_year_counts_places(tiny_district):
    assert run_report(tiny_district["labs"]).totals.enrolments > 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the floor uses GROUPING SETS")
def test_the_floor_computes_the_reports_totals(tiny_district):
    mine = asdict(run_report(tiny_district["labs"]).totals)

    floor = floor_totals(run_floor(tiny_district["labs"]))

    assert floor == {name: mine[name] for name in floor}
