"""The certificate benchmark reads a worker's memory from /proc; these helpers must find the worker's child
process and read its figures."""

import os
import subprocess
import sys

import pytest

from bench.certificates import children_of, read_status_kib


@pytest.fixture
def child():
    process = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    yield process.pid
    process.communicate(b"")


def test_a_child_process_is_found_under_its_parent(child):
    assert child in children_of(os.getpid())


def test_resident_memory_is_read_in_kib_with_its_peak(child):
    rss, peak = read_status_kib(child)

    assert 0 < rss <= peak
