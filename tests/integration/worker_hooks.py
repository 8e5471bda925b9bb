"""Loaded into a test worker with `--include tests.integration.worker_hooks`; inert without KILL_MARKER_DIR.

The first certificate render in the worker writes its process id to a marker file and waits there, so the
test can kill that process in the middle of the task; every later render runs normally.
"""

import os
import threading
from pathlib import Path

from celery.signals import worker_process_init

MARKER_DIR = os.environ.get("KILL_MARKER_DIR", "")


@worker_process_init.connect
def _wait_in_the_first_render(**kwargs):
    if not MARKER_DIR:
        return
    from certificates import pdf

    render = pdf.render_certificate_pdf
    marker = Path(MARKER_DIR) / "rendering.pid"

    def render_or_wait(certificate, **kwargs):
        if not marker.exists():
            written = marker.with_suffix(".tmp")
            written.write_text(str(os.getpid()))
            written.rename(marker)
            threading.Event().wait(60)  # the test kills this process long before
        return render(certificate, **kwargs)

    pdf.render_certificate_pdf = render_or_wait
