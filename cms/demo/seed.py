"""Seeding the demo: the district's labs, course offers, runs, people and their roles, from `data/*.json`.

Everything is looked up by its natural key (slug, email, name) and created only when missing, so seeding
again changes nothing; a course's runs are counted, and only the runs it does not have yet are added.
Roles, courses, runs, sessions, enrolments and attendance go through the services of the labs and courses
apps, each in its own transaction, so nothing here wraps them in one. What no service offers (accounts with
the demo password, organisations, lab pages and rooms, news) is written here directly.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.mfa.selectors import RECOVERY_DEVICE_NAME, totp_device_confirmed, user_has_staff_duties
from accounts.models import Organisation, OrganisationMembership, User
from certificates.models import CertificateTemplate
from courses.bookings.services import booking_create, booking_member_add, invitation_accept
from courses.models import Competence, CoursePage, CourseRun, Enrolment, Session
from courses.services import (
    AttendanceEntry,
    attendance_record,
    course_create,
    enrolment_create,
    run_close,
    run_create,
    session_create,
)
from labs.models import LabPage, LabRole, Municipality, Room
from labs.services import lab_role_grant

from ..models import NewsIndexPage, NewsPage
from ..services import (
    CONTACT_PHONE,
    SiteStructure,
    child_page_ensure,
    english_translation_ensure,
    paragraphs,
    site_structure_ensure,
)
from .data import AccountSpec, DemoData, DemoDataError, Fill, LabSpec, Role, RunSpec, demo_data_load
from .pictures import image_ensure, logo_png, signature_png

BERLIN = ZoneInfo("Europe/Berlin")


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str


@dataclass
class DemoSeedResult:
    structure: SiteStructure
    logins: list[DemoLogin] = field(default_factory=list)
    participants: list[User] = field(default_factory=list)


def demo_data_seed(*, password: str = "demo", participants: int = 12) -> DemoSeedResult:
    """The site structure plus the demo's labs, courses, runs and accounts; existing things stay as they are.

    `participants` accounts participant1@example.org ... are created and fill the demo runs (a nearly
    full run, a full run with a waiting list, a past run with recorded attendance). Runs are placed
    relative to today. Broken data files or a database without the district's municipalities and the
    DigComp competences raise `DemoDataError` before anything is written.
    """
    if participants < 0:
        raise DemoDataError(_("Die Zahl der Teilnehmenden darf nicht negativ sein."))
    if not password:
        raise DemoDataError(_("Das Passwort darf nicht leer sein."))
    data = demo_data_load()
    _check_database(data)
    today = timezone.localdate()
    structure = site_structure_ensure()
    labs = _labs(structure, data)
    passwords = _Passwords(password)
    accounts = {
        spec.email: _account_ensure(spec.email, spec.full_name, passwords, role=spec.role)
        for spec in data.accounts
    }
    crowd = [
        _account_ensure(data.participants.email_of(n), data.participants.name_of(n), passwords)
        for n in range(1, participants + 1)
    ]
    for spec in data.accounts:
        _grant(spec, accounts[spec.email], labs=labs, structure=structure)
    people = {role: accounts[data.account(role).email] for role in Role.ONE_EACH}
    courses = _courses(data, labs=labs, by=people[Role.ADMIN])
    _english_pages(data, labs=labs, courses=courses)
    _news(data, structure.news, today=today)
    _certificate_template()
    with _mail_discarded():
        _runs(data, courses=courses, people=people, crowd=crowd, today=today)
    for account in accounts.values():
        _demo_second_factor(account)
    logins = [DemoLogin(spec.email, _role_label(spec, data)) for spec in data.accounts]
    return DemoSeedResult(structure=structure, logins=logins, participants=crowd)


# People with duties log in with a second factor. The demo's accounts get one that is printed with the logins:
# an authenticator key to type into an app, or one of the recovery codes demo01 … demo30 (each once).
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"  # hex; base32 GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ
DEMO_TOTP_KEY_BASE32 = "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"
DEMO_RECOVERY_CODES = [f"demo{n:02d}" for n in range(1, 31)]


def _demo_second_factor(account: User) -> None:
    """A known second factor for a demo account with duties that has none yet."""
    if not user_has_staff_duties(user=account) or totp_device_confirmed(user=account) is not None:
        return
    TOTPDevice.objects.create(user=account, name="demo", key=DEMO_TOTP_KEY, confirmed=True)
    StaticDevice.objects.filter(user=account).delete()
    recovery = StaticDevice.objects.create(user=account, name=RECOVERY_DEVICE_NAME, confirmed=True)
    tokens = [StaticToken(device=recovery, token=code) for code in DEMO_RECOVERY_CODES]
    StaticToken.objects.bulk_create(tokens)


def _check_database(data: DemoData) -> None:
    """The demo builds on the municipalities and competences that the migrations bring."""
    municipalities = set(Municipality.objects.values_list("slug", flat=True))
    for lab in data.labs:
        if lab.municipality not in municipalities:
            raise DemoDataError(
                _("Die Gemeinde „%(slug)s“ fehlt in der Datenbank.") % {"slug": lab.municipality}
            )
    competences = set(Competence.objects.values_list("code", flat=True))
    for course in data.courses:
        for code in course.competences:
            if code not in competences:
                raise DemoDataError(
                    _("Kurs „%(course)s“: Die Kompetenz %(code)s fehlt in der Datenbank.")
                    % {"course": course.slug, "code": code}
                )


def _role_label(spec: AccountSpec, data: DemoData) -> str:
    """What the account is for, as the seed command prints it."""
    if spec.role == Role.LAB_MANAGER:
        towns = {lab.municipality: lab.town for lab in data.labs}
        return _("Laborleitung %(towns)s") % {
            "towns": get_text_list([towns[slug] for slug in spec.labs], _("und"))
        }
    return {
        Role.ADMIN: _("Verwaltung (alle Rechte)"),
        Role.EDITOR: _("Redaktion der Webseite"),
        Role.TRAINER: _("Kursleitung"),
        Role.PARTICIPANT: _("Teilnehmerin mit Anmeldungen"),
        Role.ASSOCIATION_CONTACT: _("Ansprechperson eines Vereins"),
        Role.BUSINESS_CONTACT: _("Ansprechperson eines Betriebs"),
    }[spec.role]


# --- Accounts, roles and organisations ---------------------------------------------------------------


class _Passwords:
    """Hashes the demo password once; accounts that already have it keep their hash."""

    def __init__(self, password: str):
        self.password = password
        self._hash: str | None = None
        self._known: dict[str, bool] = {}

    def new_hash(self) -> str:
        if self._hash is None:
            self._hash = make_password(self.password)
        return self._hash

    def matches(self, encoded: str) -> bool:
        if encoded not in self._known:
            self._known[encoded] = check_password(self.password, encoded)
        return self._known[encoded]


def _account_ensure(email: str, full_name: str, passwords: _Passwords, *, role: str = "") -> User:
    """A demo account with the demo password, written directly.

    `accounts.services.user_register` is for people signing up: it refuses an address that exists and a
    password as short as the demo's "demo", and would hash the same password once per account. Demo
    accounts need the opposite: the chosen password set again on every run, whatever its strength.
    """
    flags = {"is_staff": role in (Role.ADMIN, Role.LAB_MANAGER), "is_superuser": role == Role.ADMIN}
    user = User.objects.filter(email=email).first()
    if user is None:
        return User.objects.create(email=email, full_name=full_name, password=passwords.new_hash(), **flags)
    changed = [key for key, value in flags.items() if value and not getattr(user, key)]
    for key in changed:
        setattr(user, key, True)
    if not passwords.matches(user.password):
        user.password = passwords.new_hash()
        changed.append("password")
    if changed:
        user.save(update_fields=changed)
    return user


def _grant(spec: AccountSpec, user: User, *, labs: dict[str, LabPage], structure: SiteStructure) -> None:
    """The rights of the account's role; lab roles through `lab_role_grant`, which also gives managers
    their lab's group with its page permissions."""
    lab_role = {Role.LAB_MANAGER: LabRole.Role.MANAGER, Role.TRAINER: LabRole.Role.TRAINER}.get(spec.role)
    for slug in spec.labs:
        lab_role_grant(lab=labs[slug], user=user, role=lab_role)
    if spec.role == Role.EDITOR:
        user.groups.add(structure.editors)
    if spec.organisation is not None:
        _organisation_contact(spec, user)


def _organisation_contact(spec: AccountSpec, contact: User) -> Organisation:
    """The organisation with the account as its contact, written here: no service creates organisations."""
    with transaction.atomic():
        organisation, _created = Organisation.objects.get_or_create(
            name=spec.organisation.name,
            defaults={"kind": spec.organisation.kind, "municipality": spec.organisation.municipality},
        )
        OrganisationMembership.objects.get_or_create(
            organisation=organisation, user=contact, defaults={"role": OrganisationMembership.Role.CONTACT}
        )
    return organisation


# --- Pages -----------------------------------------------------------------------------------------------


def _labs(structure: SiteStructure, data: DemoData) -> dict[str, LabPage]:
    municipalities = {m.slug: m for m in Municipality.objects.all()}
    return {spec.municipality: _lab(structure, spec, municipalities[spec.municipality]) for spec in data.labs}


def _lab(structure: SiteStructure, spec: LabSpec, municipality: Municipality) -> LabPage:
    """The lab's page and rooms, written directly: the labs app has no service that creates them."""
    with transaction.atomic():
        lab = child_page_ensure(
            structure.labs,
            LabPage,
            slug=spec.municipality,
            title=spec.title,
            municipality=municipality,
            intro=spec.intro,
            body=f"<p>{spec.intro} Kommen Sie vorbei: Wir helfen bei Fragen rund um Smartphone, "
            "Computer und Internet.</p>",
            street=spec.street,
            postcode=spec.postcode,
            town=spec.town,
            latitude=municipality.latitude,
            longitude=municipality.longitude,
            opening_hours=spec.opening_hours,
            accessibility=spec.accessibility,
            contact_email=f"{spec.municipality}@regionallabore.example",
            contact_phone=CONTACT_PHONE,
        )
        for room in spec.rooms:
            Room.objects.get_or_create(
                lab=lab, name=room.name, defaults={"capacity": room.capacity, "equipment": room.equipment}
            )
    return lab


def _courses(data: DemoData, *, labs: dict[str, LabPage], by: User) -> dict[str, CoursePage]:
    """Each course offer under its lab, published through `course_create`; a slug names one offer."""
    competences = {c.code: c for c in Competence.objects.all()}
    german = CoursePage.objects.filter(locale__language_code=settings.LANGUAGE_CODE)
    existing = {course.slug: course for course in german.filter(slug__in=[c.slug for c in data.courses])}
    courses = {}
    for spec in data.courses:
        courses[spec.slug] = existing.get(spec.slug) or course_create(
            lab=labs[spec.lab],
            by=by,
            title=spec.title,
            summary=spec.summary,
            competences=[competences[code] for code in spec.competences],
            slug=spec.slug,
            body=spec.body,
            audience=spec.audience,
            topic=spec.topic,
            format=spec.format,
            level=spec.level,
            prerequisites=spec.prerequisites,
            bring_along=spec.bring_along,
            attendance_rule_percent=80,
        )
    return courses


def _english_pages(data: DemoData, *, labs: dict[str, LabPage], courses: dict[str, CoursePage]) -> None:
    """English translations of a lab and two of its courses, made as an editor makes them in the CMS; the
    other pages stay English aliases that show the German text."""
    for slug, texts in data.english.labs.items():
        english_translation_ensure(labs[slug], texts)
    for slug, texts in data.english.courses.items():
        english_translation_ensure(courses[slug], texts)


def _news(data: DemoData, news: NewsIndexPage, *, today: date) -> None:
    for spec in data.news:
        child_page_ensure(
            news,
            NewsPage,
            slug=spec.slug,
            title=spec.title,
            date=today - timedelta(days=spec.days_ago),
            summary=spec.summary,
            body=paragraphs(*spec.paragraphs),
        )


# --- Runs, sessions, enrolments and attendance ---------------------------------------------------------


def _certificate_template() -> CertificateTemplate:
    """The published default design of the demo's certificates: the district's and the labs' logos and the
    signature of the labs' head."""
    existing = CertificateTemplate.objects.filter(is_default=True).first()
    if existing is not None:
        return existing
    template = CertificateTemplate(
        name="Regionallabore – Standard",
        is_default=True,
        district_logo=image_ensure(
            title="Logo Landkreis (Demo)",
            data=logo_png(initials="LK", lines=["Landkreis", "Hameln-Pyrmont"]),
            filename="logo-landkreis.png",
        ),
        lab_logo=image_ensure(
            title="Logo Regionallabore (Demo)",
            data=logo_png(initials="RL", lines=["Regionallabore"]),
            filename="logo-regionallabore.png",
        ),
        signature=image_ensure(
            title="Unterschrift Leitung (Demo)",
            data=signature_png("Maria Beispiel"),
            filename="unterschrift.png",
        ),
        signer_name="Maria Beispiel",
        signer_title="Leitung der Regionallabore",
        signer_title_en="Head of the Regional Digital Labs",
        text="Gefördert im Rahmen des Modellprojekts „Smarte Landregionen“.",
        text_en="Funded by the model project “Smarte Landregionen”.",
    )
    template.save()
    template.save_revision().publish()
    return template


@contextmanager
def _mail_discarded() -> Iterator[None]:
    """Demo accounts have made-up addresses, so the confirmations that their enrolments queue are dropped
    where tasks run in this process (no broker). With a broker, the worker sends them to example.org,
    which takes no mail."""
    backend = settings.EMAIL_BACKEND
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    try:
        yield
    finally:
        settings.EMAIL_BACKEND = backend


def _session_days(*, today: date, spec: RunSpec) -> list[date]:
    """Weekly meeting days; upcoming runs skip the days between Christmas Eve and New Year."""
    day = today + timedelta(days=spec.first_in_days)
    day += timedelta(days=(spec.weekday - day.weekday()) % 7)
    days = []
    while len(days) < spec.sessions:
        if spec.is_past or not ((day.month, day.day) >= (12, 24) or (day.month, day.day) == (1, 1)):
            days.append(day)
        day += timedelta(days=7)
    return days


def _runs(data: DemoData, *, courses, people: dict[str, User], crowd: list[User], today: date) -> None:
    """The runs each course does not have yet, in the order of runs.json."""
    have = {course.pk: 0 for course in courses.values()}
    for course_id in CourseRun.objects.filter(course__in=courses.values()).values_list(
        "course_id", flat=True
    ):
        have[course_id] += 1
    rooms: dict[tuple[int, str], Room] = {}
    for room in Room.objects.filter(lab__in={course.get_parent().pk for course in courses.values()}).order_by(
        "-pk"
    ):
        rooms[room.lab_id, room.name] = rooms[room.lab_id, ""] = room  # "" ends as the lab's first room
    seen: dict[int, int] = {}
    for spec in data.runs:
        course = courses[spec.course]
        seen[course.pk] = seen.get(course.pk, 0) + 1
        if seen[course.pk] <= have[course.pk]:
            continue
        run = run_create(
            course=course,
            by=people[Role.ADMIN],
            capacity=spec.capacity,
            title=spec.title,
            room=None if spec.venue else rooms.get((course.get_parent().pk, spec.room)),
            trainers=[people[Role.TRAINER]] if spec.trainer else [],
            venue_name=spec.venue.name if spec.venue else "",
            venue_address=spec.venue.address if spec.venue else "",
        )
        sessions = [
            session_create(
                run=run,
                by=people[Role.ADMIN],
                start=datetime.combine(day, spec.start, tzinfo=BERLIN),
                end=datetime.combine(day, spec.end, tzinfo=BERLIN),
            )
            for day in _session_days(today=today, spec=spec)
        ]
        _fill(run, spec, sessions, people=people, crowd=crowd)


def _fill(run: CourseRun, spec: RunSpec, sessions: list[Session], *, people, crowd: list[User]) -> None:
    """Enrol people as `spec.fill` says; the first ones take the seats, the rest wait in that order."""
    participant = people[Role.PARTICIPANT]
    enrol = {
        Fill.PARTICIPANT: [participant, *crowd[9:12]],
        Fill.NEARLY_FULL: crowd[: spec.capacity - 1],
        Fill.FULL: [*crowd[: spec.capacity + 2], participant],
        Fill.ASSOCIATION: crowd[10:12],
        Fill.BUSINESS: [people[Role.BUSINESS_CONTACT]],
        Fill.PAST: [participant, *crowd[: len(spec.attendance) - 1]],
        "": [],
    }[spec.fill]
    if not spec.is_past:
        for user in enrol:
            enrolment_create(run=run, user=user)
        if spec.fill == Fill.ASSOCIATION:
            others = [user for user in crowd if user not in enrol]
            _association_booking(
                run, contact=people[Role.ASSOCIATION_CONTACT], member=others[-1] if others else None
            )
        return
    enrolments = _past_enrolments_write(run, enrol, enrolled_at=sessions[0].start - timedelta(days=14))
    for i, session in enumerate(sessions):
        entries = [
            AttendanceEntry(enrolment_id=enrolment.pk, status=statuses[i])
            for enrolment, statuses in zip(enrolments, spec.attendance, strict=False)
        ]
        attendance_record(session=session, entries=entries, by=people[Role.TRAINER])
    if spec.closed:
        # Completed people get their badge, and their certificates are issued by the worker (here, inline).
        run_close(run=run, by=people[Role.TRAINER])


def _association_booking(run: CourseRun, *, contact: User, member: User | None) -> None:
    """The association books four seats and names members: one of the crowd who has accepted (if the crowd
    has someone left), and one still invited."""
    organisation = Organisation.objects.filter(
        memberships__user=contact, memberships__role=OrganisationMembership.Role.CONTACT
    ).first()
    booking = booking_create(run=run, organisation=organisation, by=contact, seats=4)
    if member is not None:
        accepted = booking_member_add(booking=booking, by=contact, name=member.full_name, email=member.email)
        invitation_accept(enrolment=accepted, user=member, consent=True)
    booking_member_add(booking=booking, by=contact, name="Hannelore Fischer", email="mitglied@example.org")


def _past_enrolments_write(run: CourseRun, users: list[User], *, enrolled_at: datetime) -> list[Enrolment]:
    """Confirmed seats in a run that has already begun, written directly and dated before its first session.

    `courses.services.enrolment_create` rightly refuses a run whose first session is past, but the demo
    needs a finished run with its participants so that the trainer can record and close it.
    """
    with transaction.atomic():
        enrolments = Enrolment.objects.bulk_create(
            Enrolment(
                run=run,
                user=user,
                status=Enrolment.Status.CONFIRMED,
                confirmed_at=enrolled_at + timedelta(minutes=i),
            )
            for i, user in enumerate(users)
        )
        Enrolment.objects.filter(pk__in=[e.pk for e in enrolments]).update(created_at=enrolled_at)
    return enrolments
