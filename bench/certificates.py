"""`python -m bench.certificates`: 200 certificates of one run through a real Celery worker, against
WeasyPrint's own floor.

A throwaway PostgreSQL database (`test_<name>` next to the one DATABASE_URL names) gets one run of a course
with competences, 200 people who attended both sessions, and a published certificate template with two
logos and a signature (PNG files uploaded as CMS images). Closing the run through `run_close` queues the
200 `certificates.tasks.issue_certificate` tasks on the real signal path, on a Redis broker, for one Celery
worker started for the benchmark (prefork, one child process): each certificate is issued, rendered,
hashed and stored by that one process, and its "ready" mail goes through the outbox to a mail backend that
drops it (`dummymail://`).

Time per certificate = the wall time from the first task queued until all 200 have a stored PDF, divided
by 200. The floor, in the same run, is WeasyPrint alone on the same HTML and CSS (the HTML of one of the
issued certificates, rendered to PDF/A-3a with tags as the platform does), timed in this process while the
worker is idle. The worker child's resident memory is read from /proc at the start and after each quarter.

`--profile N` adds a CPU-time profile of `certificate_issue` over N certificates in this process, the parts
of one issue timed alone, and its queries. The floor renders as `core.pdf.render_pdf` does, with one
WeasyPrint FontConfiguration for all renders; the table also shows WeasyPrint's default (a new one per
document), which is slower and keeps memory per document.

Needs DATABASE_URL pointing at PostgreSQL and a Redis broker (CELERY_BROKER_URL, default
redis://127.0.0.1:6379/9, whose default queue it empties first); without them it says so and exits with 0.
The figures are also written to var/bench/certificates.json, and one of the PDFs to var/bench/certificate.pdf.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BROKER = "redis://127.0.0.1:6379/9"
WORKER_NAME = "bench-certificates@%h"
START_SECONDS = 60
# The worker's first certificates load WeasyPrint, the fonts and the templates and make the image
# renditions; a worker in production has done that long before.
WARM_UP_CERTIFICATES = 2
GOAL_RATIO = 1.5
POLL_SECONDS = 0.05


@dataclass
class MemorySample:
    certificates: int
    rss_kib: int
    peak_kib: int


# --- Environment --------------------------------------------------------------------------------------


def prepare_environment(broker_url: str, folder: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["PASSWORD_HASHERS"] = "django.contrib.auth.hashers.MD5PasswordHasher"
    os.environ["EMAIL_URL"] = "dummymail://"
    os.environ["CELERY_BROKER_URL"] = broker_url
    os.environ["CELERY_RESULT_BACKEND"] = ""
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # On the disk, not in memory: storing a PDF (written, fsync'ed, moved into place) is part of the cost.
    os.environ["MEDIA_ROOT"] = str(folder / "media")
    os.environ["PRIVATE_STORAGE_ROOT"] = str(folder / "private")


def broker_reachable(app) -> bool:
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:  # noqa: BLE001 - any failure means: no broker to measure with
        return False


# --- Worker -------------------------------------------------------------------------------------------


def read_status_kib(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a process in KiB, from /proc."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _sep, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])
    return values.get("VmRSS", 0), values.get("VmHWM", 0)


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces and brackets; the parent id follows the last ")".
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


class Worker:
    """`celery -A config worker --pool=prefork --concurrency=1` against the benchmark's database."""

    def __init__(self, *, folder: Path, database_url: str, broker_url: str):
        self.log_path = folder / "worker.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": broker_url,
            "LOG_LEVEL": "WARNING",
        }
        command = [
            str(Path(sys.executable).with_name("celery")),
            "-A",
            "config",
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "-Q",
            "celery",
            "-n",
            WORKER_NAME,
            "--loglevel=INFO",
        ]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:]

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"The worker stopped:\n{self.log()}")
            if re.search(r"\bready\.", self.log()) and self.child() is not None:
                return
            time.sleep(0.2)
        raise RuntimeError(f"The worker was not ready within {START_SECONDS} s:\n{self.log()}")

    def child(self) -> int | None:
        children = children_of(self.process.pid)
        return children[0] if len(children) == 1 else None

    def memory(self, certificates: int) -> MemorySample:
        rss, peak = read_status_kib(self.child())
        return MemorySample(certificates=certificates, rss_kib=rss, peak_kib=peak)

    def cpu_seconds(self) -> float:
        """User and system CPU time of the child process so far."""
        fields = Path(f"/proc/{self.child()}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            raise RuntimeError(f"The worker stopped:\n{self.log()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


# --- Data ---------------------------------------------------------------------------------------------


def png(width: int, height: int, *, draw) -> bytes:
    from PIL import Image, ImageDraw

    picture = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    draw(ImageDraw.Draw(picture), width, height)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


def upload_image(title: str, data: bytes):
    from django.core.files.images import ImageFile
    from wagtail.images import get_image_model

    name = re.sub(r"\W+", "-", title.lower()).strip("-") + ".png"
    return get_image_model().objects.create(title=title, file=ImageFile(io.BytesIO(data), name=name))


def make_template(lab):
    """A published default template with both logos, a signature and a line of its own."""
    from certificates.models import CertificateTemplate

    def district(d, w, h):
        d.rectangle([0, 0, w - 1, h - 1], fill=(0, 84, 145, 255))
        d.ellipse([w // 20, h // 8, w // 20 + h * 3 // 4, h * 7 // 8], fill=(255, 204, 0, 255))
        for i in range(6):
            d.rectangle(
                [h + i * w // 8, h // 3, h + i * w // 8 + w // 12, h * 2 // 3], fill=(255, 255, 255, 255)
            )

    def lab_logo(d, w, h):
        d.rounded_rectangle([0, 0, w - 1, h - 1], radius=h // 5, fill=(0, 122, 94, 255))
        d.polygon(
            [(w // 10, h * 4 // 5), (w // 4, h // 5), (w * 2 // 5, h * 4 // 5)], fill=(255, 255, 255, 255)
        )

    def signature(d, w, h):
        points = [(x, h // 2 + int((h // 3) * ((x * 7919) % 97 - 48) / 48)) for x in range(20, w - 20, 12)]
        d.line(points, fill=(20, 30, 90, 255), width=6, joint="curve")

    template = CertificateTemplate(
        name="Benchmark",
        is_default=True,
        district_logo=upload_image("Landkreis Logo", png(1600, 640, draw=district)),
        lab_logo=upload_image("Labor Logo", png(1200, 480, draw=lab_logo)),
        signature=upload_image("Unterschrift", png(1400, 460, draw=signature)),
        signer_name="Dr. Hildegard Musterfrau",
        signer_title="Leitung Regionallabor",
        signer_title_en="Head of the regional lab",
        text="Gefördert vom Landkreis im Programm Digitale Teilhabe.",
        text_en="Funded by the district's digital participation programme.",
    )
    template.save()
    template.labs.set([lab])
    template.save_revision().publish()
    return template


def closed_run_ready(*, course, people: int, trainer):
    """A run of two past sessions in which `people` attended both."""
    from datetime import timedelta

    from courses.models import Attendance, Enrolment
    from tests.factories import CourseRunFactory, UserFactory, moment

    run = CourseRunFactory(course=course, capacity=people, starts_in=-timedelta(days=14), trainers=[trainer])
    persons = UserFactory.create_batch(people, password=None)
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(run=run, user=person, status=Enrolment.Status.CONFIRMED, confirmed_at=moment())
        for person in persons
    )
    Attendance.objects.bulk_create(
        Attendance(session=session, enrolment=enrolment, status=Attendance.Status.PRESENT)
        for session in run.sessions.all()
        for enrolment in enrolments
    )
    return run


def build_course():
    from courses.models import Competence
    from tests.factories import UserFactory, make_course, make_lab

    lab = make_lab(title="Regionallabor Hameln", municipality="hameln")
    course = make_course(lab=lab, title="Sicher unterwegs im Netz", level=2)
    course.competences.set(Competence.objects.order_by("code")[:3])
    course.save()
    make_template(lab)
    trainer = UserFactory(password=None, is_superuser=True)
    return course, trainer


# --- Measuring ----------------------------------------------------------------------------------------


class FirstQueued:
    """The moment the first certificate of a closed run is queued (the signal's handler queues it)."""

    def __init__(self):
        self.at: float | None = None

    def __call__(self, sender, enrolment, **kwargs):
        if self.at is None:
            self.at = time.perf_counter()


@dataclass
class Issued:
    count: int
    seconds: float
    cpu_seconds: float
    run_close_seconds: float
    memory: list[MemorySample]


def files_of(run) -> int:
    from certificates.models import CertificateFile

    return CertificateFile.objects.filter(certificate__enrolment__run=run).count()


def mails_delivered(run) -> int:
    from certificates.models import Certificate

    return Certificate.objects.filter(enrolment__run=run, notified_at__isnull=False).count()


def close_and_wait(*, run, trainer, worker: Worker, marks: list[int], seconds: float) -> Issued:
    """Close the run, then poll until every completed enrolment has its PDF; the worker's memory at the
    start and at each mark, its CPU time over the whole."""
    from courses.services import run_close
    from courses.signals import enrolment_completed

    samples, pending = [worker.memory(0)], sorted(marks)
    cpu_before = worker.cpu_seconds()
    first = FirstQueued()
    enrolment_completed.connect(first, dispatch_uid="bench.certificates.first_queued")
    try:
        started = time.perf_counter()
        result = run_close(run=run, by=trainer)
        closed = time.perf_counter()
    finally:
        enrolment_completed.disconnect(dispatch_uid="bench.certificates.first_queued")
    expected = len(result.completed)
    deadline = time.monotonic() + seconds
    done = 0
    while done < expected:
        if time.monotonic() > deadline:
            raise RuntimeError(f"Only {done} of {expected} certificates after {seconds} s:\n{worker.log()}")
        worker.check_alive()
        done = files_of(run)
        while pending and done >= pending[0]:
            samples.append(worker.memory(pending.pop(0)))
        if done < expected:
            time.sleep(POLL_SECONDS)
    finished = time.perf_counter()
    return Issued(
        count=expected,
        seconds=finished - (first.at or started),
        cpu_seconds=worker.cpu_seconds() - cpu_before,
        run_close_seconds=closed - started,
        memory=samples,
    )


def wait_for_mails(run, expected: int, worker: Worker, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        worker.check_alive()
        if mails_delivered(run) >= expected:
            return True
        time.sleep(POLL_SECONDS)
    return False


@dataclass
class Floor:
    """Bare renders of one variant: wall and CPU seconds each, this process's memory every 50."""

    seconds: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)
    rss_kib: list[int] = field(default_factory=list)
    pdf_bytes: int = 0

    def mean(self, part: slice = slice(None)) -> float:
        return statistics.fmean(self.seconds[part])


def shared_font_config():
    """One FontConfiguration for every render of this process: WeasyPrint then loads the system fonts and
    the @font-face files once, instead of once per document."""
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        from weasyprint.text.fonts import FontConfiguration

        _FONT_CONFIG = FontConfiguration()
    return _FONT_CONFIG


_FONT_CONFIG = None


def bare_render(html: str, *, shared: bool) -> bytes:
    """WeasyPrint alone on the certificate's HTML; with `shared`, with one FontConfiguration for all
    renders (as `core.pdf.render_pdf` does)."""
    from weasyprint import HTML

    from certificates.pdf import PDF_VARIANT
    from core.pdf import FONTS_DIR, FontsOnlyFetcher

    document = HTML(string=html, base_url=FONTS_DIR.as_uri() + "/", url_fetcher=FontsOnlyFetcher())
    options = {"font_config": shared_font_config()} if shared else {}
    return document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True, **options)


def floor_renders(html: str, count: int, floor: Floor, per_document: Floor, every_other: int) -> None:
    """`count` bare renders as the platform calls WeasyPrint (one FontConfiguration for all), and every
    `every_other`-th time one with WeasyPrint's default of a new one per document, so both see the same
    machine."""

    def timed(target: Floor, *, is_shared: bool) -> None:
        cpu, wall = time.process_time(), time.perf_counter()
        size = len(bare_render(html, shared=is_shared))
        target.seconds.append(time.perf_counter() - wall)
        target.cpu_seconds.append(time.process_time() - cpu)
        target.pdf_bytes = size

    if not floor.seconds:
        for _ in range(3):
            bare_render(html, shared=False)
            bare_render(html, shared=True)
    for i in range(count):
        timed(floor, is_shared=True)
        if len(floor.seconds) % 50 == 0:
            floor.rss_kib.append(read_status_kib(os.getpid())[0])
        if i % every_other == 0:
            timed(per_document, is_shared=False)


PROFILE_PICK = re.compile(
    r"certificates/(services|pdf|tasks)\.py|core/pdf\.py|weasyprint/__init__\.py.*(__init__|write_pdf|render)"
    r"|weasyprint/document\.py.*(_render|write_pdf)|text/fonts\.py.*\(__init__\)|get_rendition\b"
    r"|segno/__init__\.py.*\(make\)|loader\.py.*render_to_string|\(fsync\)|\(sha256\)"
    r"|psycopg/cursor\.py.*\(execute\)|base64\.py.*b64encode|fields/files\.py.*\(open\)"
)


def profile_table(profiler: cProfile.Profile, count: int) -> str:
    """The picked functions by CPU time per certificate (including what they call)."""
    rows = []
    for (filename, line, name), (_cc, calls, _tt, cumulative, _callers) in pstats.Stats(
        profiler
    ).stats.items():
        where = f"{filename}:{line}({name})"
        if PROFILE_PICK.search(where):
            short = filename.split("site-packages/")[-1].replace(str(ROOT) + "/", "")
            rows.append((cumulative / count * 1000, calls / count, f"{short}:{line} {name}"))
    rows.sort(reverse=True)
    lines = [f"{'CPU ms je Zertifikat':>20} {'Aufrufe':>8}  Funktion (einschließlich der gerufenen)"]
    lines += [f"{ms:>20.1f} {calls:>8.1f}  {where}" for ms, calls, where in rows]
    return "\n".join(lines)


def profile_issue(*, course, trainer, count: int) -> str:
    """cProfile (CPU time) of `certificate_issue` for `count` completed enrolments in this process, mails
    recorded but not queued; and the queries of one issue with their time on the wall clock."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from bench.runner import mail_queued_not_sent
    from certificates.services import certificate_issue
    from courses.models import Enrolment

    run = closed_run_ready(course=course, people=count + 2, trainer=trainer)
    enrolments = list(Enrolment.objects.filter(run=run).order_by("pk"))
    Enrolment.objects.filter(run=run).update(status=Enrolment.Status.COMPLETED, completed_at=timezone.now())
    with mail_queued_not_sent():
        certificate_issue(enrolment=enrolments[0])
        with CaptureQueriesContext(connection) as queries:
            certificate_issue(enrolment=enrolments[1])
        profiler = cProfile.Profile(time.process_time)
        wall = time.perf_counter()
        profiler.enable()
        for enrolment in enrolments[2:]:
            certificate_issue(enrolment=enrolment)
        profiler.disable()
        wall = time.perf_counter() - wall
    query_seconds = sum(float(q["time"]) for q in queries.captured_queries)
    statements = "\n".join(
        f"  {float(q['time']) * 1000:6.1f} ms  {q['sql'][:110]}" for q in queries.captured_queries
    )
    return (
        f"Profil (CPU-Zeit) von certificate_issue über {count} Zertifikate in diesem Prozess; "
        f"Wanduhr unter dem Profiler {wall / count * 1000:.0f} ms je Zertifikat. Der Profiler verteuert "
        f"jeden Funktionsaufruf, WeasyPrint mit seinen vielen kleinen Aufrufen am meisten.\n"
        f"{profile_table(profiler, count)}\n\n"
        f"Die Teile ohne Profiler, je Aufruf gemittelt:\n{pieces(enrolments[-1])}\n\n"
        f"{len(queries)} Abfragen für ein Zertifikat, zusammen {query_seconds * 1000:.1f} ms:\n{statements}"
    )


def pieces(enrolment, repeat: int = 20) -> str:
    """The parts of issuing one certificate, each timed alone `repeat` times (CPU and wall clock)."""
    from certificates import pdf
    from certificates.models import Certificate
    from certificates.services import _completed_enrolment, _snapshot
    from core.pdf import render_pdf

    certificate = Certificate.objects.get(enrolment=enrolment)
    language = certificate.language
    html = pdf.render_certificate_html(certificate, language=language)
    design, url = certificate.design, certificate.verify_url
    parts = [
        (
            "_completed_enrolment + _snapshot (Abfragen, Vorlage)",
            lambda: _snapshot(_completed_enrolment(enrolment.pk)),
        ),
        (
            "pdf.design_for (3 Bilder: Bild, Rendition, Datei, base64)",
            lambda: pdf.design_for(design, language),
        ),
        ("pdf.qr_data_url (segno)", lambda: pdf.qr_data_url(url)),
        (
            "pdf.certificate_context (mit Bildern und QR)",
            lambda: pdf.certificate_context(certificate, language=language),
        ),
        (
            "pdf.render_certificate_html (Kontext und Vorlage)",
            lambda: pdf.render_certificate_html(certificate, language=language),
        ),
        ("core.pdf.render_pdf (WeasyPrint)", lambda: render_pdf(html, variant=pdf.PDF_VARIANT)),
    ]
    lines = [f"{'CPU ms':>8} {'Wanduhr ms':>11}  Teil"]
    for name, call in parts:
        call()
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(repeat):
            call()
        cpu_ms = (time.process_time() - cpu) / repeat * 1000
        wall_ms = (time.perf_counter() - wall) / repeat * 1000
        lines.append(f"{cpu_ms:>8.1f} {wall_ms:>11.1f}  {name}")
    return "\n".join(lines)


# --- Report -------------------------------------------------------------------------------------------


@dataclass
class Figures:
    certificates: int
    worker_font_config: str
    seconds_total: float
    seconds_per_certificate: float
    cpu_seconds_per_certificate: float
    floor_renders: int
    floor_seconds_mean: float
    floor_seconds_median: float
    floor_cpu_seconds_mean: float
    floor_seconds_mean_before: float
    floor_seconds_mean_after: float
    per_document_floor_renders: int
    per_document_floor_seconds_mean: float
    per_document_floor_cpu_seconds_mean: float
    run_close_seconds: float
    mails_delivered: bool
    warm_up_seconds: float
    pdf_bytes_stored: int
    pdf_bytes_floor: int
    memory: list[MemorySample]
    fresh_child_rss_kib: int
    after_mails_rss_kib: int
    worker_parent_rss_kib: int
    floor_process_rss_kib: list[int]
    database: str
    broker: str
    mail_backend: str
    load_average_before: tuple[float, float, float]
    load_average_after: tuple[float, float, float]
    cpus: int

    @property
    def ratio(self) -> float:
        return self.seconds_per_certificate / self.floor_seconds_mean

    @property
    def cpu_ratio(self) -> float:
        return self.cpu_seconds_per_certificate / self.floor_cpu_seconds_mean

    @property
    def growth_50_to_end_kib(self) -> int | None:
        by_count = {sample.certificates: sample.rss_kib for sample in self.memory}
        if 50 not in by_count:
            return None
        return self.memory[-1].rss_kib - by_count[50]


def print_report(figures: Figures) -> None:
    ms = 1000
    n = figures.certificates
    print()
    print(
        f"Zertifikate über einen Celery-Worker (prefork, ein Kindprozess) auf {figures.database}, "
        f"Broker {figures.broker}, Mail {figures.mail_backend}"
    )
    print(
        f"{figures.cpus} CPUs; Last (1 min) vorher {figures.load_average_before[0]:.1f}, "
        f"nachher {figures.load_average_after[0]:.1f}; "
        f"FontConfiguration im Worker: {figures.worker_font_config}"
    )
    header = f"{'Messung':<58} {'Anzahl':>6} {'Wanduhr':>12} {'CPU':>12}"
    print(header)
    print("-" * len(header))

    def row(name: str, count, wall: float, cpu: float | None = None) -> None:
        cpu_text = "" if cpu is None else f"{cpu * ms:9.1f} ms"
        print(f"{name:<58} {count!s:>6} {wall * ms:>9.1f} ms {cpu_text:>12}")

    row("Boden: WeasyPrint allein, gleiches HTML, wie core.pdf (Mittel)", figures.floor_renders,
        figures.floor_seconds_mean, figures.floor_cpu_seconds_mean)  # fmt: skip
    row("  davon vor den Zertifikaten", "", figures.floor_seconds_mean_before)
    row("  davon nach den Zertifikaten", "", figures.floor_seconds_mean_after)
    row("  Median", "", figures.floor_seconds_median)
    row("WeasyPrint mit neuer FontConfiguration je Dokument (Mittel)", figures.per_document_floor_renders,
        figures.per_document_floor_seconds_mean, figures.per_document_floor_cpu_seconds_mean)  # fmt: skip
    row("Zertifikat im Worker: erste Aufgabe bis letztes PDF", n, figures.seconds_per_certificate,
        figures.cpu_seconds_per_certificate)  # fmt: skip
    print()
    verdict = "erreicht" if figures.ratio <= GOAL_RATIO else "VERFEHLT"
    print(f"Zertifikat / Boden (Wanduhr): {figures.ratio:.2f} (Ziel höchstens {GOAL_RATIO}) – {verdict}")
    print(
        f"Zertifikat / Boden (CPU-Zeit des Worker-Kindes gegen CPU-Zeit des Bodens): {figures.cpu_ratio:.2f}"
    )
    print(
        f"Alle {n} PDFs nach {figures.seconds_total:.1f} s; "
        f"run_close selbst {figures.run_close_seconds:.2f} s"
    )
    print(f"Alle Mails „Zertifikat ist fertig“ zugestellt: {'ja' if figures.mails_delivered else 'NEIN'}")
    print(f"PDF-Größe: gespeichert {figures.pdf_bytes_stored} B, Boden {figures.pdf_bytes_floor} B")
    print()
    print("Speicher des Worker-Kindprozesses (VmRSS; VmHWM = Spitze):")
    print(f"  frisch gestartet, vor dem Aufwärmen: {figures.fresh_child_rss_kib / 1024:7.1f} MiB")
    for sample in figures.memory:
        print(
            f"  nach {sample.certificates:>4} Zertifikaten: {sample.rss_kib / 1024:7.1f} MiB "
            f"(Spitze {sample.peak_kib / 1024:7.1f} MiB)"
        )
    print(f"  nach den Mails: {figures.after_mails_rss_kib / 1024:7.1f} MiB")
    growth = figures.growth_50_to_end_kib
    if growth is not None:
        print(
            f"  Zuwachs von 50 bis {n}: {growth / 1024:+.1f} MiB ({growth / (n - 50):+.0f} KiB je Zertifikat)"
        )
    print(f"  Hauptprozess des Workers: {figures.worker_parent_rss_kib / 1024:.1f} MiB")
    print(
        "Speicher dieses Prozesses beim Boden, alle 50 Renderings: "
        + ", ".join(f"{kib / 1024:.1f}" for kib in figures.floor_process_rss_kib)
        + " MiB"
    )


def write_json(figures: Figures, profile: str | None) -> Path:
    target = ROOT / "var" / "bench" / "certificates.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    data = asdict(figures)
    data["ratio"] = figures.ratio
    data["cpu_ratio"] = figures.cpu_ratio
    data["goal_ratio"] = GOAL_RATIO
    data["growth_50_to_end_kib"] = figures.growth_50_to_end_kib
    if profile:
        data["profile"] = profile
    target.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return target


# --- The benchmark ------------------------------------------------------------------------------------


def quiet_logs() -> None:
    import logging

    for name in ("wagtail", "django_tasks", "celery", "kombu"):
        logging.getLogger(name).setLevel(logging.WARNING)


def run(*, certificates: int, floor_count: int, profile: int) -> int:
    import django

    django.setup()
    from django.db import connection

    from bench.enrolment_burst import database_url, wait_for_server_connections_closed
    from bench.runner import bench_database
    from certificates.models import Certificate, CertificateFile
    from certificates.pdf import render_certificate_html
    from config.celery import app

    if connection.vendor != "postgresql":
        print("Zertifikate übersprungen: der Benchmark braucht DATABASE_URL mit PostgreSQL.")
        return 0
    broker_url = os.environ["CELERY_BROKER_URL"]
    if not broker_reachable(app):
        print(f"Zertifikate übersprungen: kein Broker unter {broker_url}.")
        return 0
    app.control.purge()

    started = time.perf_counter()
    profile_text = None
    quiet_logs()
    with bench_database(own_sqlite=False):
        print(f"Datenbank {connection.settings_dict['NAME']} bereit, baue Testdaten …", flush=True)
        course, trainer = build_course()
        warm_up_run = closed_run_ready(course=course, people=WARM_UP_CERTIFICATES, trainer=trainer)
        measured_run = closed_run_ready(course=course, people=certificates, trainer=trainer)
        folder = Path(os.environ["PRIVATE_STORAGE_ROOT"]).parent
        worker = Worker(
            folder=folder,
            database_url=database_url(),
            broker_url=broker_url,
        )
        try:
            worker.wait_until_ready()
            fresh = worker.memory(0)
            print("Worker bereit; Aufwärmen …", flush=True)
            warm_up = close_and_wait(run=warm_up_run, trainer=trainer, worker=worker, marks=[], seconds=120)
            wait_for_mails(warm_up_run, warm_up.count, worker, seconds=60)

            # The floor renders one of the issued certificates, half before and half after the run, so a
            # machine that gets busier or quieter meanwhile weighs on both sides alike.
            certificate = Certificate.objects.filter(enrolment__run=warm_up_run).order_by("pk").first()
            html = render_certificate_html(certificate, language=certificate.language)
            floor, per_document = Floor(), Floor()
            half = floor_count // 2
            print(f"Boden: {half} Mal WeasyPrint allein …", flush=True)
            load_before = os.getloadavg()
            floor_renders(html, half, floor, per_document, every_other=2)

            print(f"Schließe den Kurs mit {certificates} Teilnehmenden …", flush=True)
            quarters = [certificates * k // 4 for k in range(1, 5)]
            issued = close_and_wait(
                run=measured_run, trainer=trainer, worker=worker, marks=quarters, seconds=40 * certificates
            )
            mails = wait_for_mails(measured_run, issued.count, worker, seconds=120)
            after_mails = worker.memory(issued.count)
            parent_rss, _parent_peak = read_status_kib(worker.process.pid)

            print(f"Boden: {floor_count - half} Mal WeasyPrint allein …", flush=True)
            floor_renders(html, floor_count - half, floor, per_document, every_other=2)
            load_after = os.getloadavg()
            stored = CertificateFile.objects.get(certificate=certificate, language=certificate.language)
            sample_pdf = ROOT / "var" / "bench" / "certificate.pdf"
            sample_pdf.parent.mkdir(parents=True, exist_ok=True)
            sample_pdf.write_bytes((Path(os.environ["PRIVATE_STORAGE_ROOT"]) / stored.path).read_bytes())

            if profile:
                print(f"Profil über {profile} Zertifikate in diesem Prozess …", flush=True)
                profile_text = profile_issue(course=course, trainer=trainer, count=profile)
        finally:
            worker.stop()
            wait_for_server_connections_closed()
            app.control.purge()

    figures = Figures(
        certificates=issued.count,
        worker_font_config="eine je Prozess (wie core.pdf)",
        seconds_total=issued.seconds,
        seconds_per_certificate=issued.seconds / issued.count,
        cpu_seconds_per_certificate=issued.cpu_seconds / issued.count,
        floor_renders=len(floor.seconds),
        floor_seconds_mean=floor.mean(),
        floor_seconds_median=statistics.median(floor.seconds),
        floor_cpu_seconds_mean=statistics.fmean(floor.cpu_seconds),
        floor_seconds_mean_before=floor.mean(slice(None, half)),
        floor_seconds_mean_after=floor.mean(slice(half, None)),
        per_document_floor_renders=len(per_document.seconds),
        per_document_floor_seconds_mean=per_document.mean(),
        per_document_floor_cpu_seconds_mean=statistics.fmean(per_document.cpu_seconds),
        run_close_seconds=issued.run_close_seconds,
        mails_delivered=mails,
        warm_up_seconds=warm_up.seconds,
        pdf_bytes_stored=stored.size,
        pdf_bytes_floor=floor.pdf_bytes,
        memory=issued.memory,
        fresh_child_rss_kib=fresh.rss_kib,
        after_mails_rss_kib=after_mails.rss_kib,
        worker_parent_rss_kib=parent_rss,
        floor_process_rss_kib=floor.rss_kib,
        database="PostgreSQL",
        broker=re.sub(r"//[^@/]*@", "//", broker_url),
        mail_backend="dummymail://",
        load_average_before=load_before,
        load_average_after=load_after,
        cpus=os.cpu_count() or 1,
    )
    print_report(figures)
    if profile_text:
        print()
        print(profile_text)
    print(f"Zahlen in {write_json(figures, profile_text)}, ein Zertifikat in {sample_pdf}")
    print(f"Dauer insgesamt: {time.perf_counter() - started:.0f} s")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.certificates", description=__doc__.splitlines()[0])
    parser.add_argument("--certificates", type=int, default=200, help="certificates in the run")
    parser.add_argument("--floor", type=int, default=200, help="bare WeasyPrint renders for the floor")
    parser.add_argument(
        "--profile", type=int, default=0, help="also profile certificate_issue in-process over N certificates"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-certificates-") as tmp:
        prepare_environment(os.environ.get("CELERY_BROKER_URL") or DEFAULT_BROKER, Path(tmp))
        return run(
            certificates=args.certificates,
            floor_count=args.floor,
            profile=args.profile,
        )


if __name__ == "__main__":
    sys.exit(main())
