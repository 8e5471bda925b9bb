"""The demo data files (`cms/demo/data/*.json`), read into frozen dataclasses and checked as a whole.

Every entry is checked before anything is written: unknown or missing keys, wrong types, values outside
their choices, and references between the files (a course's lab, a run's course and room, an account's
labs). A mistake stops the seeding with a `DemoDataError` that names the file and the entry.
"""

import json
import re
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from accounts.models import Organisation
from courses.models import Attendance, Audience, Format, Topic

DATA_DIR = Path(__file__).resolve().parent / "data"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
COMPETENCE_CODE = re.compile(r"^\d+\.\d+$")


class DemoDataError(ValueError):
    """A demo data file is broken; the message names the file and the entry."""


class Role:
    """What a demo account is for; each role decides the rights the account gets."""

    ADMIN = "admin"
    LAB_MANAGER = "lab_manager"
    EDITOR = "editor"
    TRAINER = "trainer"
    PARTICIPANT = "participant"
    ASSOCIATION_CONTACT = "association_contact"
    BUSINESS_CONTACT = "business_contact"

    ALL = (ADMIN, LAB_MANAGER, EDITOR, TRAINER, PARTICIPANT, ASSOCIATION_CONTACT, BUSINESS_CONTACT)
    WITH_LABS = (LAB_MANAGER, TRAINER)
    ORGANISATION_KINDS = {
        ASSOCIATION_CONTACT: Organisation.Kind.ASSOCIATION,
        BUSINESS_CONTACT: Organisation.Kind.BUSINESS,
    }
    # The seeding acts through these accounts, so each must be there exactly once.
    ONE_EACH = (ADMIN, TRAINER, PARTICIPANT, ASSOCIATION_CONTACT, BUSINESS_CONTACT)


class Fill:
    """Who the seeding enrols in a run (see `cms.demo.seed`)."""

    PARTICIPANT = "participant"  # the participant account and three of the crowd
    NEARLY_FULL = "nearly_full"  # the crowd up to one free seat
    FULL = "full"  # the crowd beyond the last seat, then the participant account on the waiting list
    ASSOCIATION = (
        "association"  # two of the crowd, and the association books four seats and names two members
    )
    BUSINESS = "business"  # the business's contact
    PAST = "past"  # the participant account and the crowd, with the attendance given in the run

    ALL = ("", PARTICIPANT, NEARLY_FULL, FULL, ASSOCIATION, BUSINESS, PAST)


class _Entry:
    """One JSON object of a data file; each read names the key, and `done` refuses keys nobody read."""

    _MISSING = object()

    def __init__(self, raw: Any, where: str):
        if not isinstance(raw, dict):
            raise DemoDataError(_("%(where)s: Hier wird ein Objekt erwartet.") % {"where": where})
        self._raw = raw
        self._read: set[str] = set()
        self.where = where

    def error(self, key: str, problem: str) -> DemoDataError:
        return DemoDataError(f"{self.where}, „{key}“: {problem}")

    def _get(self, key: str, default: Any, kind: type | tuple[type, ...]) -> Any:
        self._read.add(key)
        if key not in self._raw:
            if default is self._MISSING:
                raise self.error(key, _("Der Wert fehlt."))
            return default
        value = self._raw[key]
        # JSON has no separate booleans and integers in Python: True is an int, so check bool first.
        if isinstance(value, bool) != (kind is bool) or not isinstance(value, kind):
            raise self.error(key, _("Der Wert hat die falsche Art: %(value)r.") % {"value": value})
        return value

    def _checked(self, key: str, value: Any, choices=None, pattern: re.Pattern | None = None) -> str:
        if not isinstance(value, str):
            raise self.error(key, _("Hier wird ein Text erwartet: %(value)r.") % {"value": value})
        if choices is not None and value not in choices:
            raise self.error(
                key,
                _("„%(value)s“ ist keiner von: %(choices)s.")
                % {"value": value, "choices": ", ".join(choices)},
            )
        if pattern is not None and not pattern.match(value):
            raise self.error(key, _("„%(value)s“ hat nicht die erwartete Form.") % {"value": value})
        return value

    def text(
        self, key: str, default: Any = _MISSING, *, choices=None, pattern: re.Pattern | None = None
    ) -> str:
        return self._checked(key, self._get(key, default, str), choices, pattern)

    def number(self, key: str, default: Any = _MISSING, *, minimum: int | None = None) -> int:
        value = self._get(key, default, int)
        if minimum is not None and value < minimum:
            raise self.error(key, _("Der Wert muss mindestens %(minimum)s sein.") % {"minimum": minimum})
        return value

    def flag(self, key: str, default: bool = False) -> bool:
        return self._get(key, default, bool)

    def texts(self, key: str, default: Any = _MISSING, **checks) -> tuple[str, ...]:
        """A list of texts."""
        return tuple(self._checked(key, value, **checks) for value in self._get(key, default, list))

    def text_rows(self, key: str, default: Any = _MISSING, **checks) -> tuple[tuple[str, ...], ...]:
        """A list of lists of texts."""
        rows = self._get(key, default, list)
        if not all(isinstance(row, list) for row in rows):
            raise self.error(key, _("Hier wird eine Liste von Listen erwartet."))
        return tuple(tuple(self._checked(key, value, **checks) for value in row) for row in rows)

    def clock(self, key: str) -> time:
        value = self.text(key, pattern=re.compile(r"^\d\d:\d\d$"))
        try:
            return time.fromisoformat(value)
        except ValueError:
            raise self.error(key, _("„%(value)s“ ist keine Uhrzeit.") % {"value": value}) from None

    def entries(self, key: str, default: Any = _MISSING) -> list["_Entry"]:
        values = self._get(key, default, list)
        return [_Entry(value, f"{self.where}, „{key}“[{i}]") for i, value in enumerate(values)]

    def entry(self, key: str, *, optional: bool = False) -> "_Entry | None":
        value = self._get(key, None if optional else self._MISSING, (dict, type(None)))
        return None if value is None else _Entry(value, f"{self.where}, „{key}“")

    def done(self) -> None:
        unknown = sorted(set(self._raw) - self._read)
        if unknown:
            raise DemoDataError(
                _("%(where)s: Unbekannte Angaben: %(keys)s.")
                % {"where": self.where, "keys": ", ".join(unknown)}
            )


@dataclass(frozen=True)
class RoomSpec:
    name: str
    capacity: int
    equipment: str


@dataclass(frozen=True)
class LabSpec:
    municipality: str  # the Municipality's slug; also the lab page's slug
    title: str
    street: str
    postcode: str
    town: str
    intro: str
    opening_hours: str
    accessibility: str
    rooms: tuple[RoomSpec, ...]


@dataclass(frozen=True)
class CourseSpec:
    slug: str
    lab: str  # the lab's municipality slug
    title: str
    summary: str
    body: str  # HTML
    audience: str
    topic: str
    level: int
    competences: tuple[str, ...]  # DigComp codes, e.g. "2.1"
    prerequisites: str
    bring_along: str
    format: str


@dataclass(frozen=True)
class VenueSpec:
    name: str
    address: str


@dataclass(frozen=True)
class RunSpec:
    course: str  # the course's slug
    title: str
    capacity: int
    first_in_days: int  # the first session is on `weekday` on or after today plus this; negative: a past run
    weekday: int  # 0 is Monday
    start: time
    end: time
    sessions: int
    room: str  # a room of the course's lab; empty: the lab's first room (unless there is a venue)
    venue: VenueSpec | None
    trainer: bool  # taught by the trainer account
    fill: str  # one of `Fill`
    attendance: tuple[tuple[str, ...], ...]  # past runs: one row per enrolled person, one status per session
    closed: bool = False  # past runs: closed by the trainer, so certificates and badges are issued

    @property
    def is_past(self) -> bool:
        return self.first_in_days < 0


@dataclass(frozen=True)
class OrganisationSpec:
    name: str
    kind: str
    municipality: str


@dataclass(frozen=True)
class AccountSpec:
    role: str  # one of `Role`
    email: str
    full_name: str
    labs: tuple[str, ...]  # municipality slugs of the labs where a manager or trainer has the role
    organisation: OrganisationSpec | None


@dataclass(frozen=True)
class ParticipantsSpec:
    email: str  # with {n}
    names: tuple[str, ...]
    name_beyond_the_list: str  # with {n}

    def email_of(self, n: int) -> str:
        return self.email.format(n=n)

    def name_of(self, n: int) -> str:
        return self.names[n - 1] if n <= len(self.names) else self.name_beyond_the_list.format(n=n)


@dataclass(frozen=True)
class NewsSpec:
    slug: str
    title: str
    days_ago: int
    summary: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class EnglishSpec:
    """English translations of demo pages: per page (lab by municipality, course by slug), each German text of
    the page (title, field or paragraph) with its English text, as a translator writes them in the CMS."""

    labs: dict[str, dict[str, str]]
    courses: dict[str, dict[str, str]]


@dataclass(frozen=True)
class DemoData:
    labs: tuple[LabSpec, ...]
    courses: tuple[CourseSpec, ...]
    runs: tuple[RunSpec, ...]
    accounts: tuple[AccountSpec, ...]
    participants: ParticipantsSpec
    news: tuple[NewsSpec, ...]
    english: EnglishSpec = EnglishSpec(labs={}, courses={})

    def account(self, role: str) -> AccountSpec:
        """The one account of a role in `Role.ONE_EACH`."""
        return next(account for account in self.accounts if account.role == role)


def _read(directory: Path, name: str) -> Any:
    path = directory / name
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DemoDataError(_("%(file)s: Die Datei fehlt.") % {"file": path}) from None
    except json.JSONDecodeError as error:
        raise DemoDataError(
            _("%(file)s: Kein gültiges JSON (Zeile %(line)s): %(problem)s")
            % {"file": name, "line": error.lineno, "problem": error.msg}
        ) from None


def _list(directory: Path, name: str) -> list[_Entry]:
    raw = _read(directory, name)
    if not isinstance(raw, list):
        raise DemoDataError(_("%(file)s: Hier wird eine Liste erwartet.") % {"file": name})
    return [_Entry(value, f"{name}[{i}]") for i, value in enumerate(raw)]


def _lab(entry: _Entry) -> LabSpec:
    rooms = []
    for room in entry.entries("rooms"):
        rooms.append(RoomSpec(room.text("name"), room.number("capacity", minimum=1), room.text("equipment")))
        room.done()
    if not rooms:
        raise entry.error("rooms", _("Jedes Labor braucht mindestens einen Raum."))
    spec = LabSpec(
        municipality=entry.text("municipality"),
        title=entry.text("title"),
        street=entry.text("street"),
        postcode=entry.text("postcode", pattern=re.compile(r"^\d{5}$")),
        town=entry.text("town"),
        intro=entry.text("intro"),
        opening_hours=entry.text("opening_hours"),
        accessibility=entry.text("accessibility"),
        rooms=tuple(rooms),
    )
    entry.done()
    return spec


def _course(entry: _Entry) -> CourseSpec:
    spec = CourseSpec(
        slug=entry.text("slug", pattern=re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")),
        lab=entry.text("lab"),
        title=entry.text("title"),
        summary=entry.text("summary"),
        body=entry.text("body"),
        audience=entry.text("audience", choices=Audience.values),
        topic=entry.text("topic", choices=Topic.values),
        level=entry.number("level", minimum=1),
        competences=entry.texts("competences", pattern=COMPETENCE_CODE),
        prerequisites=entry.text("prerequisites"),
        bring_along=entry.text("bring_along"),
        format=entry.text("format", Format.IN_PERSON.value, choices=Format.values),
    )
    entry.done()
    return spec


def _run(entry: _Entry) -> RunSpec:
    venue = entry.entry("venue", optional=True)
    venue_spec = None
    if venue is not None:
        venue_spec = VenueSpec(venue.text("name"), venue.text("address"))
        venue.done()
    spec = RunSpec(
        course=entry.text("course"),
        title=entry.text("title", ""),
        capacity=entry.number("capacity", minimum=1),
        first_in_days=entry.number("first_in_days"),
        weekday=WEEKDAYS.index(entry.text("weekday", choices=WEEKDAYS)),
        start=entry.clock("start"),
        end=entry.clock("end"),
        sessions=entry.number("sessions", minimum=1),
        room=entry.text("room", ""),
        venue=venue_spec,
        trainer=entry.flag("trainer"),
        fill=entry.text("fill", "", choices=Fill.ALL),
        attendance=entry.text_rows("attendance", (), choices=Attendance.Status.values),
        closed=entry.flag("closed"),
    )
    if spec.end <= spec.start:
        raise entry.error("end", _("Das Ende muss nach dem Beginn liegen."))
    if spec.room and spec.venue:
        raise entry.error(
            "venue", _("Ein Termin findet entweder in einem Raum oder an einem anderen Ort statt.")
        )
    # The last session of a past run lies at most six days after its weekly slot: it must be over by today.
    last_in_days = spec.first_in_days + 6 + 7 * (spec.sessions - 1)
    if spec.is_past != (spec.fill == Fill.PAST) or (spec.is_past and last_in_days >= 0):
        raise entry.error(
            "first_in_days", _("Vergangene Kurse (alle Termine vor heute) und nur sie haben „fill“: „past“.")
        )
    if spec.first_in_days == 0:
        raise entry.error("first_in_days", _("Kommende Kurse beginnen frühestens morgen."))
    if spec.is_past and not spec.attendance:
        raise entry.error("attendance", _("Ein vergangener Kurs braucht die Anwesenheit der Teilnehmenden."))
    if not spec.is_past and spec.attendance:
        raise entry.error("attendance", _("Anwesenheit gibt es nur bei vergangenen Kursen."))
    if spec.closed and not spec.is_past:
        raise entry.error("closed", _("Nur vergangene Kurse können abgeschlossen sein."))
    if any(len(row) != spec.sessions for row in spec.attendance):
        raise entry.error("attendance", _("Jede Zeile braucht einen Eintrag je Termin."))
    entry.done()
    return spec


def _account(entry: _Entry) -> AccountSpec:
    role = entry.text("role", choices=Role.ALL)
    labs = entry.texts("labs", ())
    if (role in Role.WITH_LABS) != bool(labs):
        raise entry.error("labs", _("Laborleitung und Kursleitung, und nur sie, nennen ihre Labore."))
    organisation = entry.entry("organisation", optional=True)
    if (role in Role.ORGANISATION_KINDS) != (organisation is not None):
        raise entry.error(
            "organisation",
            _("Ansprechpersonen von Vereinen und Betrieben, und nur sie, nennen ihre Organisation."),
        )
    organisation_spec = None
    if organisation is not None:
        organisation_spec = OrganisationSpec(
            name=organisation.text("name"),
            kind=Role.ORGANISATION_KINDS[role],
            municipality=organisation.text("municipality"),
        )
        organisation.done()
    spec = AccountSpec(
        role=role,
        email=entry.text("email", pattern=re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]+$")),
        full_name=entry.text("full_name"),
        labs=labs,
        organisation=organisation_spec,
    )
    entry.done()
    return spec


def _participants(entry: _Entry) -> ParticipantsSpec:
    spec = ParticipantsSpec(
        email=entry.text("email", pattern=re.compile(r"^[^@\s]*\{n\}[^@\s]*@[^@\s]+$")),
        names=entry.texts("names"),
        name_beyond_the_list=entry.text("name_beyond_the_list", pattern=re.compile(r".*\{n\}")),
    )
    entry.done()
    return spec


def _news(entry: _Entry) -> NewsSpec:
    spec = NewsSpec(
        slug=entry.text("slug", pattern=re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")),
        title=entry.text("title"),
        days_ago=entry.number("days_ago", minimum=0),
        summary=entry.text("summary"),
        paragraphs=entry.texts("paragraphs"),
    )
    entry.done()
    return spec


def _unique(file: str, values: list[str], what: str) -> None:
    seen = set()
    for value in values:
        if value in seen:
            raise DemoDataError(
                _("%(file)s: %(what)s „%(value)s“ kommt zweimal vor.")
                % {"file": file, "what": what, "value": value}
            )
        seen.add(value)


def _english(entry: _Entry) -> EnglishSpec:
    pages = {}
    for key in ("labs", "courses"):
        pages[key] = entry._get(key, {}, dict)
        for slug, texts in pages[key].items():
            if not isinstance(texts, dict) or not all(
                isinstance(german, str) and isinstance(english, str) and english
                for german, english in texts.items()
            ):
                raise entry.error(
                    key,
                    _("„%(slug)s“: Hier werden Paare aus deutschem und englischem Text erwartet.")
                    % {"slug": slug},
                )
    entry.done()
    return EnglishSpec(**pages)


def _check_references(data: DemoData) -> None:
    """What one file names must exist in another, and the seeding's own accounts must be there once."""
    labs = {lab.municipality: lab for lab in data.labs}
    courses = {course.slug: course for course in data.courses}
    for slug in data.english.labs:
        if slug not in labs:
            raise DemoDataError("english.json, „labs“: " + _("Unbekanntes Labor „%(lab)s“.") % {"lab": slug})
    for slug in data.english.courses:
        if slug not in courses:
            raise DemoDataError(
                "english.json, „courses“: " + _("Unbekannter Kurs „%(course)s“.") % {"course": slug}
            )
    for i, course in enumerate(data.courses):
        if course.lab not in labs:
            raise DemoDataError(
                f"courses.json[{i}], „lab“: " + _("Unbekanntes Labor „%(lab)s“.") % {"lab": course.lab}
            )
    for i, run in enumerate(data.runs):
        where = f"runs.json[{i}]"
        if run.course not in courses:
            raise DemoDataError(
                f"{where}, „course“: " + _("Unbekannter Kurs „%(course)s“.") % {"course": run.course}
            )
        lab = labs[courses[run.course].lab]
        rooms = {room.name: room for room in lab.rooms}
        if run.room and run.room not in rooms:
            raise DemoDataError(
                f"{where}, „room“: "
                + _("Das Labor „%(lab)s“ hat keinen Raum „%(room)s“.") % {"lab": lab.title, "room": run.room}
            )
        room = None if run.venue else rooms.get(run.room) or lab.rooms[0]
        if room is not None and run.capacity > room.capacity:
            raise DemoDataError(
                f"{where}, „capacity“: " + _("Der Raum hat nur %(n)s Plätze.") % {"n": room.capacity}
            )
    for i, account in enumerate(data.accounts):
        for lab in account.labs:
            if lab not in labs:
                raise DemoDataError(
                    f"people.json, „accounts“[{i}], „labs“: "
                    + _("Unbekanntes Labor „%(lab)s“.") % {"lab": lab}
                )
    for role in Role.ONE_EACH:
        if sum(account.role == role for account in data.accounts) != 1:
            raise DemoDataError(
                "people.json, „accounts“: "
                + _("Die Rolle „%(role)s“ muss genau einmal vorkommen.") % {"role": role}
            )
    trainer_labs = set(data.account(Role.TRAINER).labs)
    for i, run in enumerate(data.runs):
        if run.trainer and courses[run.course].lab not in trainer_labs:
            raise DemoDataError(
                f"runs.json[{i}], „trainer“: " + _("Die Kursleitung hat keine Rolle im Labor dieses Kurses.")
            )


def demo_data_load(directory: Path = DATA_DIR) -> DemoData:
    """Read and check all demo data files of `directory`."""
    people = _Entry(_read(directory, "people.json"), "people.json")
    data = DemoData(
        labs=tuple(_lab(entry) for entry in _list(directory, "labs.json")),
        courses=tuple(_course(entry) for entry in _list(directory, "courses.json")),
        runs=tuple(_run(entry) for entry in _list(directory, "runs.json")),
        accounts=tuple(_account(entry) for entry in people.entries("accounts")),
        participants=_participants(people.entry("participants")),
        news=tuple(_news(entry) for entry in _list(directory, "news.json")),
        english=_english(_Entry(_read(directory, "english.json"), "english.json")),
    )
    people.done()
    _unique("labs.json", [lab.municipality for lab in data.labs], "municipality")
    _unique("courses.json", [course.slug for course in data.courses], "slug")
    _unique("people.json", [account.email.lower() for account in data.accounts], "email")
    _unique("news.json", [news.slug for news in data.news], "slug")
    _check_references(data)
    return data
