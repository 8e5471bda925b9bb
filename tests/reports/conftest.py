"""A small district where every figure of the 2026 report is known (see `district`)."""

from dataclasses import dataclass
from datetime import date, datetime

import pytest

from accounts.models import User
from certificates.models import Certificate
from certificates.services import generate_code
from courses.models import (
    Attendance,
    Audience,
    BadgeAssertion,
    BadgeClass,
    Competence,
    CoursePage,
    CourseRun,
    Enrolment,
    Format,
)
from labs.models import LabPage
from reports.params import ReportParams
from tests.factories import BERLIN, CourseRunFactory, EnrolmentFactory, UserFactory, make_course, make_manager

PERIOD = ReportParams(start=date(2026, 1, 1), end=date(2026, 12, 31), lab=None)


def at(day: date, hour: int = 18) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=BERLIN)


@dataclass
class District:
    lab: LabPage
    other_lab: LabPage
    course: CoursePage
    march_run: CourseRun
    manager: User
    other_manager: User
    admin: User
    trainer: User
    participant: User


def _certificate(enrolment: Enrolment, issued: datetime) -> Certificate:
    return Certificate.objects.create(
        enrolment=enrolment,
        code=generate_code(),
        participant_name="Teilnahme",
        course_title=enrolment.run.course.title,
        lab_name=enrolment.run.lab.title,
        first_session=date(2026, 3, 10),
        last_session=date(2026, 3, 17),
        hours=4,
        issued_at=issued,
    )


def build_district(lab: LabPage, other_lab: LabPage) -> District:
    """Lab "Hameln" in 2026 (what a report of it must say):

    - March run (capacity 10): 6 completed (Hameln, 65-74), 1 not completed (Bad Pyrmont, no age), a walk-in
      without an account who completed (nothing stated), 1 who waited and never got a seat, 1 who cancelled.
      Attendance of the first session: 6 present, 2 absent. 5 certificates and 5 badges in March.
    - May run (capacity 10): two of the March people again, confirmed (Hameln, 65-74).
    - A cancelled June run (capacity 10, one place): not counted at all.
    - A November 2025 run: its place does not count, its certificate issued in January 2026 does.
    So: 10 enrolments, 8 people, completion 7/8, attendance 6/8, 6 certificates, 5 badges, 1 unmet waiting
    place; March filled 8 of 10, May 2 of 10.
    "Bad Pyrmont": one run in March (capacity 8) with 5 confirmed businesses' people from Bad Pyrmont.
    """
    course = make_course(
        lab, title="Sicher online bezahlen", audience=Audience.CITIZENS, format=Format.IN_PERSON
    )
    course.competences.set(Competence.objects.filter(code__in=["1.1", "2.1"]))
    course.save()  # a page keeps its competences in memory until it is saved
    other_course = make_course(
        other_lab, title="Online-Shop", audience=Audience.BUSINESSES, format=Format.ONLINE
    )

    march = CourseRunFactory(course=course, capacity=10, starts_at=at(date(2026, 3, 10)))
    may = CourseRunFactory(course=course, capacity=10, starts_at=at(date(2026, 5, 5)))
    june = CourseRunFactory(course=course, capacity=10, starts_at=at(date(2026, 6, 2)))
    earlier = CourseRunFactory(course=course, capacity=10, starts_at=at(date(2025, 11, 10)))
    other = CourseRunFactory(course=other_course, capacity=8, starts_at=at(date(2026, 3, 12)))

    people = [UserFactory() for _ in range(10)]
    completed = [
        EnrolmentFactory(
            run=march, user=person, status=Enrolment.Status.COMPLETED, municipality="hameln", age_band="65-74"
        )
        for person in people[:6]
    ]
    not_completed = EnrolmentFactory(
        run=march, user=people[6], status=Enrolment.Status.NOT_COMPLETED, municipality="bad-pyrmont"
    )
    walk_in = EnrolmentFactory(
        run=march, user=None, walk_in=True, member_name="Gast", status=Enrolment.Status.COMPLETED
    )
    EnrolmentFactory(
        run=march,
        user=people[7],
        status=Enrolment.Status.CANCELLED,
        waitlisted_at=at(date(2026, 2, 1)),
        confirmed_at=None,
    )
    EnrolmentFactory(run=march, user=people[8], status=Enrolment.Status.CANCELLED)
    for person in people[:2]:
        EnrolmentFactory(
            run=may, user=person, status=Enrolment.Status.CONFIRMED, municipality="hameln", age_band="65-74"
        )
    EnrolmentFactory(run=june, user=people[9], status=Enrolment.Status.CANCELLED)
    CourseRun.objects.filter(pk=june.pk).update(status=CourseRun.Status.CANCELLED)
    old = EnrolmentFactory(run=earlier, user=people[9], status=Enrolment.Status.COMPLETED)

    session = march.sessions.order_by("start").first()
    attending = [*completed, not_completed, walk_in]
    for index, enrolment in enumerate(attending):
        Attendance.objects.create(
            session=session,
            enrolment=enrolment,
            status=Attendance.Status.PRESENT if index < 6 else Attendance.Status.ABSENT,
        )
    badge_class = BadgeClass.objects.create(
        course=course, name="Sicher bezahlen", description="-", criteria="-"
    )
    for enrolment in completed[:5]:
        _certificate(enrolment, at(date(2026, 3, 20), 10))
        BadgeAssertion.objects.create(
            badge_class=badge_class,
            enrolment=enrolment,
            recipient_hash="sha256$0",
            salt="00",
            issued_on=at(date(2026, 3, 20), 10),
        )
    _certificate(old, at(date(2026, 1, 5), 10))

    for _ in range(5):
        EnrolmentFactory(run=other, status=Enrolment.Status.CONFIRMED, municipality="bad-pyrmont")

    trainer = UserFactory()
    march.trainers.add(trainer)
    return District(
        lab=lab,
        other_lab=other_lab,
        course=course,
        march_run=march,
        manager=make_manager(lab),
        other_manager=make_manager(other_lab),
        admin=UserFactory(is_superuser=True, is_staff=True),
        trainer=trainer,
        participant=people[0],
    )


@pytest.fixture
def district(clock, lab, other_lab) -> District:
    return build_district(lab, other_lab)
