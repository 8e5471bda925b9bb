"""Runs the whole test session at a chosen wall-clock time (see `addopts` in pyproject.toml).

`TEST_CLOCK=2026-11-29T23:30:00+01:00 pytest` starts the process clock at that moment and lets it tick from
there, so dates that only go wrong late in the evening or around a change to summer time show up on any day.
Unset, the clock is left alone. A test marked `real_clock` runs at the real time even then: one that hands
dates to another process (which sees the real clock) cannot agree with a moved one.
"""

import os
import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

_travel: time_machine.travel | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _travel
    config.addinivalue_line(
        "markers", "real_clock: runs at the real wall-clock time even when TEST_CLOCK moves the clock"
    )
    value = os.environ.get("TEST_CLOCK", "").strip()
    if not value:
        return
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise pytest.UsageError(f"TEST_CLOCK={value!r} is no ISO 8601 datetime: {error}") from error
    if moment.tzinfo is None:
        raise pytest.UsageError(f"TEST_CLOCK={value!r} needs an offset, e.g. 2026-11-29T23:30:00+01:00")
    _travel = time_machine.travel(moment, tick=True)
    _travel.start()


def pytest_report_header(config: pytest.Config) -> str | None:
    if _travel is None:
        return None
    return f"clock: TEST_CLOCK={os.environ['TEST_CLOCK']} (the process clock starts there and ticks)"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    global _travel
    if _travel is None or not item.get_closest_marker("real_clock"):
        return (yield)
    moved_now, real_start = datetime.now(UTC), time.monotonic()
    _travel.stop()
    try:
        return (yield)
    finally:
        # The moved clock goes on from where it would have got to meanwhile.
        _travel = time_machine.travel(moved_now + timedelta(seconds=time.monotonic() - real_start), tick=True)
        _travel.start()


def pytest_unconfigure(config: pytest.Config) -> None:
    global _travel
    if _travel is not None:
        _travel.stop()
        _travel = None
