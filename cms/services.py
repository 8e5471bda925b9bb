"""Site structure and demo data.

`site_structure_ensure` builds the page tree every installation needs (home, labs index, catalogues,
news, legal pages) and points the default site at it. `demo_data_seed` adds the district's labs,
course offers, runs, people and their roles for trying the platform out. Both are idempotent: each
thing is looked up by its natural key (slug, email, name) and created only when it is missing, so
running them again changes nothing.

Demo enrolments are written directly rather than through `courses.services.enrolment_create`: they
describe a state (a full run, a past run with attendance) and must not send mail.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page, Site
from wagtail.rich_text import RichText

from accounts.models import Organisation, OrganisationMembership, User
from courses.models import Attendance, Audience, Competence, CoursePage, CourseRun, Enrolment, Format, Session
from courses.models import Topic as T
from labs.models import LabPage, LabRole, Municipality, Room
from labs.services import lab_manager_group, lab_role_grant

from .models import CatalogPage, HomePage, LabIndexPage, NewsIndexPage, NewsPage, SiteSettings, StandardPage

BERLIN = ZoneInfo("Europe/Berlin")
DISTRICT = "Landkreis Hameln-Pyrmont"
CONTACT_EMAIL = "regionallabore@example.org"
CONTACT_PHONE = "05151 555 100"


# --- Site structure -----------------------------------------------------------------------------------


@dataclass
class SiteStructure:
    home: HomePage
    labs: LabIndexPage
    catalogue: CatalogPage
    workshops: CatalogPage
    news: NewsIndexPage
    imprint: StandardPage
    privacy: StandardPage
    accessibility: StandardPage


def _paragraphs(*texts: str) -> list:
    return [("paragraph", RichText(f"<p>{text}</p>")) for text in texts]


def _section(heading: str, *texts: str) -> list:
    return [("heading", heading), *_paragraphs(*texts)]


def _child(parent: Page, model: type[Page], *, slug: str, **fields) -> Page:
    """The child of `parent` with this slug; created and published with a revision when missing."""
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing:
        return existing
    page = parent.add_child(instance=model(slug=slug, **fields))
    page.save_revision().publish()
    return page


def _home_page() -> HomePage:
    """The HomePage as the default site's root, replacing Wagtail's initial welcome page."""
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = root.add_child(
            instance=HomePage(
                title="Regionallabore",
                slug="start",
                seo_title=f"Regionallabore im {DISTRICT}",
                intro=(
                    "Digital lernen, ganz in der Nähe. In unseren Regionallaboren zeigen wir Ihnen "
                    "Schritt für Schritt, wie Smartphone, Internet und Computer helfen. "
                    "Die Kurse sind klein, ruhig und meist kostenfrei."
                ),
                body=[
                    *_section(
                        "So einfach geht es",
                        "Suchen Sie einen Kurs in Ihrer Nähe aus. Melden Sie sich mit Ihrer E-Mail-Adresse "
                        "an. Sie bekommen eine Bestätigung mit allen Terminen.",
                        "Fragen? Rufen Sie uns an: " + CONTACT_PHONE + ".",
                    )
                ],
            )
        )
        home.save_revision().publish()
    # The default site answers on any host; its name and port make page URLs match SITE_URL.
    address = urlsplit(settings.SITE_URL)
    hostname = address.hostname or "localhost"
    port = address.port or (443 if address.scheme == "https" else 80)
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    if site.root_page_id != home.pk or site.hostname != hostname or site.port != port:
        site.hostname, site.port, site.root_page, site.site_name = hostname, port, home, "Regionallabore"
        site.save()
    # Wagtail's migrations create a plain welcome page at the top of the tree; it has no place here.
    Page.objects.filter(depth=2, content_type__model="page", content_type__app_label="wagtailcore").exclude(
        pk=home.pk
    ).filter(numchild=0, sites_rooted_here__isnull=True).delete()
    return home


IMPRINT = [
    *_section(
        "Anbieter",
        f"{DISTRICT}<br>Der Landrat<br>Süntelstraße 9<br>31785 Hameln",
        f"Telefon: {CONTACT_PHONE}<br>E-Mail: {CONTACT_EMAIL}",
        "Der Landkreis ist eine Körperschaft des öffentlichen Rechts. Er wird vertreten durch den Landrat.",
    ),
    *_section(
        "Verantwortlich für den Inhalt",
        "Stabsstelle Digitalisierung, Regionallabore, Anschrift wie oben.",
    ),
    *_section(
        "Haftung für Links",
        "Unsere Seiten enthalten Links zu Seiten anderer Anbieter. Für deren Inhalte sind die jeweiligen "
        "Anbieter verantwortlich. Wenn wir von einem Rechtsverstoß erfahren, entfernen wir den Link sofort.",
    ),
]

PRIVACY = [
    *_section(
        "Wer ist verantwortlich?",
        f"Verantwortlich ist der {DISTRICT}, Süntelstraße 9, 31785 Hameln. "
        f"Unsere Datenschutzbeauftragte erreichen Sie unter {CONTACT_EMAIL}.",
    ),
    *_section(
        "Welche Daten speichern wir?",
        "Wenn Sie sich für einen Kurs anmelden, speichern wir Ihren Namen, Ihre E-Mail-Adresse und Ihre "
        "Anmeldungen. Die Kursleitung trägt ein, ob Sie an einem Termin da waren. Daraus entsteht Ihr "
        "Zertifikat.",
        "Wir nutzen keine Werbung, keine Zählprogramme anderer Firmen und keine fremden Schriften.",
    ),
    *_section(
        "Wie lange speichern wir die Daten?",
        "Anmeldungen und Anwesenheiten löschen wir drei Jahre nach Ende des Kurses. Zertifikate bleiben "
        "prüfbar, solange Sie Ihr Konto haben.",
    ),
    *_section(
        "Ihre Rechte",
        "Sie können jederzeit Auskunft über Ihre Daten verlangen. Sie können Ihre Daten herunterladen, "
        "berichtigen oder löschen lassen. Sie können sich bei der Landesbeauftragten für den Datenschutz "
        "Niedersachsen beschweren.",
    ),
]

ACCESSIBILITY = [
    *_section(
        "Wie barrierefrei ist diese Webseite?",
        f"Der {DISTRICT} möchte seine Webseiten für alle Menschen gut nutzbar machen. Grundlage ist die "
        "Barrierefreie-Informationstechnik-Verordnung (BITV 2.0).",
        "Diese Webseite ist weitgehend barrierefrei. Sie funktioniert ohne JavaScript, mit großer Schrift "
        "und mit Bildschirmlesern.",
    ),
    *_section(
        "Was ist noch nicht barrierefrei?",
        "Ältere PDF-Dateien zu einzelnen Kursen sind noch nicht vollständig barrierefrei. "
        "Wir arbeiten daran.",
    ),
    *_section(
        "Barrieren melden",
        f"Ist Ihnen eine Barriere aufgefallen? Schreiben Sie uns an {CONTACT_EMAIL} oder rufen Sie an: "
        f"{CONTACT_PHONE}. Wir antworten innerhalb von zwei Wochen.",
    ),
    *_section(
        "Schlichtungsverfahren",
        "Wenn Sie mit unserer Antwort nicht zufrieden sind, können Sie sich an die Schlichtungsstelle nach "
        "dem Niedersächsischen Behindertengleichstellungsgesetz wenden.",
    ),
]


def site_structure_ensure() -> SiteStructure:
    """The pages every installation has, published, with the legal pages set in the site settings."""
    home = _home_page()
    labs = _child(
        home,
        LabIndexPage,
        slug="labore",
        title="Labore",
        intro="In acht Orten im Landkreis gibt es ein Regionallabor. Dort finden die meisten Kurse statt.",
    )
    catalogue = _child(
        home,
        CatalogPage,
        slug="kurse",
        title="Kurse",
        intro="Alle Kurse der Regionallabore. Wählen Sie aus, was Sie lernen möchten.",
    )
    workshops = _child(
        home,
        CatalogPage,
        slug="innovationsworkshops",
        title="Innovationsworkshops",
        audience=Audience.BUSINESSES,
        intro="Kurze Workshops für Betriebe: Sicherheit, künstliche Intelligenz und digitale Abläufe.",
    )
    news = _child(
        home,
        NewsIndexPage,
        slug="neuigkeiten",
        title="Neuigkeiten",
        intro="Was es Neues in den Regionallaboren gibt.",
    )
    imprint = _child(home, StandardPage, slug="impressum", title="Impressum", body=IMPRINT)
    privacy = _child(home, StandardPage, slug="datenschutz", title="Datenschutz", body=PRIVACY)
    accessibility = _child(
        home,
        StandardPage,
        slug="barrierefreiheit",
        title="Erklärung zur Barrierefreiheit",
        body=ACCESSIBILITY,
    )
    site_settings = SiteSettings.for_site(home.get_site())
    wanted = {
        "organisation": DISTRICT,
        "contact_email": CONTACT_EMAIL,
        "contact_phone": CONTACT_PHONE,
        "imprint_page_id": site_settings.imprint_page_id or imprint.pk,
        "privacy_page_id": site_settings.privacy_page_id or privacy.pk,
        "accessibility_page_id": site_settings.accessibility_page_id or accessibility.pk,
    }
    wanted = {key: value for key, value in wanted.items() if not getattr(site_settings, key)}
    if wanted:
        for key, value in wanted.items():
            setattr(site_settings, key, value)
        site_settings.save()
    return SiteStructure(home, labs, catalogue, workshops, news, imprint, privacy, accessibility)


# --- Demo data ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LabSpec:
    municipality: str  # Municipality slug
    title: str
    street: str
    postcode: str
    town: str
    intro: str
    opening_hours: str
    accessibility: str
    rooms: tuple[tuple[str, int, str], ...]  # name, seats, equipment


LABS = [
    LabSpec(
        "hameln",
        "Regionallabor Hameln",
        "Osterstraße 46",
        "31785",
        "Hameln",
        "Mitten in der Altstadt, im ersten Stock der Stadtbücherei.",
        "Dienstag und Donnerstag 10 bis 18 Uhr\nSamstag 10 bis 13 Uhr",
        "Eingang ohne Stufen, Aufzug zum ersten Stock, barrierefreies WC. "
        "Bushaltestelle Münster direkt vor dem Haus.",
        (("Lernraum", 16, "16 Laptops, großer Bildschirm"), ("Werkstatt", 10, "3D-Drucker, Lötplätze")),
    ),
    LabSpec(
        "bad-pyrmont",
        "Regionallabor Bad Pyrmont",
        "Brunnenstraße 24",
        "31812",
        "Bad Pyrmont",
        "Im Haus der Begegnung nahe dem Kurpark.",
        "Montag und Mittwoch 9 bis 16 Uhr",
        "Ebenerdiger Eingang, barrierefreies WC, zwei Behindertenparkplätze im Hof.",
        (("Seminarraum", 12, "12 Tablets, Beamer"),),
    ),
    LabSpec(
        "bad-muender-am-deister",
        "Regionallabor Bad Münder",
        "Obertorstraße 5",
        "31848",
        "Bad Münder am Deister",
        "Im alten Rathaus am Marktplatz.",
        "Dienstag 14 bis 19 Uhr\nFreitag 9 bis 12 Uhr",
        "Rampe am Seiteneingang, Aufzug vorhanden. Das WC ist nicht barrierefrei.",
        (("Raum Deister", 16, "Laptops, Beamer, Mikrofon"),),
    ),
    LabSpec(
        "hessisch-oldendorf",
        "Regionallabor Hessisch Oldendorf",
        "Marktplatz 13",
        "31840",
        "Hessisch Oldendorf",
        "Direkt am Marktplatz, neben der Volkshochschule.",
        "Mittwoch und Donnerstag 13 bis 18 Uhr",
        "Eingang ohne Stufen, barrierefreies WC. Bahnhof 600 Meter entfernt.",
        (("Lernraum", 14, "Laptops, großer Bildschirm"),),
    ),
    LabSpec(
        "aerzen",
        "Regionallabor Aerzen",
        "Domänenweg 4",
        "31855",
        "Aerzen",
        "In der Domäne Aerzen, mit Werkstatt für 3D-Druck und Holz.",
        "Donnerstag 15 bis 19 Uhr\nSamstag 10 bis 14 Uhr",
        "Werkstatt im Erdgeschoss ohne Stufen. Parkplätze direkt am Haus.",
        (("Werkstatt", 8, "Vier 3D-Drucker, Lasercutter"), ("Lernraum", 12, "Laptops")),
    ),
    LabSpec(
        "coppenbruegge",
        "Regionallabor Coppenbrügge",
        "Schloßstraße 3",
        "31863",
        "Coppenbrügge",
        "Im Gewerbezentrum am Schloss, mit Blick auf den Ith.",
        "Montag bis Freitag 8 bis 16 Uhr",
        "Aufzug vorhanden, barrierefreies WC im Erdgeschoss.",
        (("Konferenzraum", 12, "Großer Bildschirm, Videokonferenz"),),
    ),
    LabSpec(
        "emmerthal",
        "Regionallabor Emmerthal",
        "Hauptstraße 28",
        "31860",
        "Emmerthal",
        "Im Bürgerhaus Kirchohsen, gleich neben dem Rathaus.",
        "Dienstag 9 bis 12 Uhr und 14 bis 17 Uhr",
        "Eingang ohne Stufen, barrierefreies WC. Bus 40 hält vor der Tür.",
        (("Bürgersaal", 16, "Tablets, Beamer"),),
    ),
    LabSpec(
        "salzhemmendorf",
        "Regionallabor Salzhemmendorf",
        "Hauptstraße 2",
        "31020",
        "Salzhemmendorf",
        "In der Grundschule, Eingang über den Schulhof. Kurse meist nachmittags und abends.",
        "Mittwoch 15 bis 19 Uhr",
        "Rampe am Eingang, Räume im Erdgeschoss, barrierefreies WC.",
        (("Klassenraum 3", 12, "Tablets, Smartboard"),),
    ),
]


@dataclass(frozen=True)
class CourseSpec:
    slug: str
    lab: str  # Municipality slug of the lab
    title: str
    summary: str
    body: str
    audience: str
    topic: str
    level: int
    competences: tuple[str, ...]
    prerequisites: str
    bring_along: str
    format: str = Format.IN_PERSON


COURSES = [
    CourseSpec(
        "smartphone-grundlagen",
        "hameln",
        "Smartphone-Grundlagen",
        "Sie lernen Ihr Smartphone in Ruhe kennen: anrufen, Nachrichten schreiben, Fotos machen.",
        "<p>Wir gehen Schritt für Schritt vor. Sie üben an Ihrem eigenen Gerät.</p>"
        "<ul><li>Einschalten, entsperren, Lautstärke</li><li>Anrufen und Kontakte speichern</li>"
        "<li>Nachrichten schreiben</li><li>Fotos machen und ansehen</li></ul>",
        Audience.CITIZENS,
        T.BASICS,
        1,
        ("2.1", "5.1"),
        "Keine. Der Kurs ist für Anfängerinnen und Anfänger.",
        "Ihr Smartphone, aufgeladen, und Ihre PIN.",
    ),
    CourseSpec(
        "online-banking",
        "bad-pyrmont",
        "Sicher online bezahlen und Online-Banking",
        "Sie lernen, wie Sie Überweisungen sicher online machen und gefälschte Nachrichten erkennen.",
        "<p>Gemeinsam mit der Sparkasse zeigen wir, wie Online-Banking funktioniert. "
        "Sie erfahren, woran Sie Betrug erkennen und was Sie im Notfall tun.</p>",
        Audience.CITIZENS,
        T.SAFETY,
        2,
        ("4.1", "4.2"),
        "Sie können Ihr Smartphone oder Ihren Computer bedienen.",
        "Smartphone oder Tablet. Bitte keine echten Zugangsdaten mitbringen.",
    ),
    CourseSpec(
        "social-media-fuer-vereine",
        "hessisch-oldendorf",
        "Social Media für Vereine",
        "Zeigen Sie, was Ihr Verein macht: mit Beiträgen auf Instagram und Facebook.",
        "<p>Sie planen Beiträge, machen gute Fotos mit dem Handy und lernen, was Sie zeigen dürfen.</p>",
        Audience.ASSOCIATIONS,
        T.COMMUNICATION,
        2,
        ("2.2", "2.6", "3.1"),
        "Sie nutzen ein Smartphone.",
        "Smartphone und, wenn vorhanden, die Zugangsdaten Ihres Vereinskontos.",
    ),
    CourseSpec(
        "datenschutz-im-verein",
        "bad-muender-am-deister",
        "Datenschutz im Verein",
        "Was Vereine über Mitgliederdaten, Fotos und die DSGVO wissen müssen.",
        "<p>Mit Mustervorlagen für Einwilligungen und das Verzeichnis der Verarbeitungen.</p>",
        Audience.ASSOCIATIONS,
        T.SAFETY,
        2,
        ("4.2", "3.3"),
        "Keine.",
        "Gern Fragen aus Ihrem Verein.",
    ),
    CourseSpec(
        "it-sicherheit-kleine-betriebe",
        "hameln",
        "IT-Sicherheit für kleine Betriebe",
        "Schützen Sie Ihren Betrieb vor Schadsoftware, Betrugsmails und Datenverlust.",
        "<p>Ein Nachmittag mit Übungen: Passwörter, Sicherungskopien, Updates und was bei einem "
        "Angriff zu tun ist.</p>",
        Audience.BUSINESSES,
        T.SAFETY,
        3,
        ("4.1", "4.2", "5.1"),
        "Sie arbeiten im Betrieb mit Computer und E-Mail.",
        "Laptop, wenn vorhanden.",
    ),
    CourseSpec(
        "3d-druck-fuer-einsteiger",
        "aerzen",
        "3D-Druck für Einsteiger",
        "Vom Entwurf am Computer zum fertigen Teil: Sie drucken Ihr erstes eigenes Stück.",
        "<p>Sie zeichnen ein einfaches Teil, bereiten es für den Drucker vor und drucken es aus.</p>",
        Audience.CITIZENS,
        T.MAKING,
        2,
        ("3.1", "5.3"),
        "Sie können mit Maus und Tastatur umgehen.",
        "Nichts. Material und Laptops sind da.",
    ),
    CourseSpec(
        "ki-im-handwerk",
        "coppenbruegge",
        "KI im Handwerk",
        "Wie künstliche Intelligenz bei Angeboten, Texten und Planung im Handwerksbetrieb hilft.",
        "<p>Mit Beispielen aus Tischlerei, Elektro und Sanitär. Sie probieren Werkzeuge selbst aus "
        "und lernen ihre Grenzen kennen.</p>",
        Audience.BUSINESSES,
        T.AI,
        3,
        ("5.2", "1.2", "3.2"),
        "Sie nutzen Computer oder Smartphone im Betrieb.",
        "Laptop oder Tablet.",
    ),
    CourseSpec(
        "online-dienste-der-verwaltung",
        "emmerthal",
        "Online-Dienste der Verwaltung (BundID, Online-Ausweis)",
        "Anträge von zu Hause stellen: mit dem Online-Ausweis und dem BundID-Konto.",
        "<p>Sie richten die AusweisApp ein und stellen einen Antrag zur Probe.</p>",
        Audience.CITIZENS,
        T.ADMINISTRATION,
        2,
        ("2.3", "2.6", "4.2"),
        "Sie können Apps auf Ihrem Smartphone installieren.",
        "Personalausweis, die PIN dazu und Ihr Smartphone.",
    ),
    CourseSpec(
        "videotelefonie-mit-der-familie",
        "salzhemmendorf",
        "Videotelefonie mit der Familie",
        "Sehen Sie Kinder und Enkel beim Telefonieren: mit WhatsApp, Signal oder Zoom.",
        "<p>Wir üben Videoanrufe in kleinen Gruppen, ganz ohne Eile.</p>",
        Audience.CITIZENS,
        T.COMMUNICATION,
        1,
        ("2.1", "2.4"),
        "Keine.",
        "Smartphone oder Tablet.",
    ),
    CourseSpec(
        "fotos-ordnen-und-teilen",
        "bad-pyrmont",
        "Fotos ordnen und teilen",
        "Ordnung in die Fotos bringen, sie sichern und mit der Familie teilen.",
        "<p>Alben anlegen, Fotos auf den Computer übertragen und sicher teilen.</p>",
        Audience.CITIZENS,
        T.BASICS,
        1,
        ("1.3", "2.2"),
        "Sie machen Fotos mit dem Smartphone.",
        "Smartphone und Ladekabel.",
    ),
    CourseSpec(
        "vereinsverwaltung-digital",
        "hessisch-oldendorf",
        "Vereinsverwaltung digital",
        "Mitglieder, Beiträge und Termine des Vereins einfach online verwalten.",
        "<p>Wir vergleichen Programme für die Vereinsverwaltung und richten eines gemeinsam ein.</p>",
        Audience.ASSOCIATIONS,
        T.WORK,
        2,
        ("2.4", "1.3"),
        "Sie arbeiten im Vorstand oder in der Kasse eines Vereins.",
        "Laptop, wenn vorhanden.",
        Format.HYBRID,
    ),
    CourseSpec(
        "e-rechnung-fuer-betriebe",
        "bad-muender-am-deister",
        "Digitale Rechnungen (E-Rechnung) für Betriebe",
        "Seit 2025 gilt die E-Rechnung. Sie lernen, wie Sie E-Rechnungen empfangen und schreiben.",
        "<p>XRechnung und ZUGFeRD einfach erklärt, mit Beispielen aus kleinen Betrieben.</p>",
        Audience.BUSINESSES,
        T.WORK,
        3,
        ("1.3", "2.1"),
        "Sie schreiben oder prüfen Rechnungen im Betrieb.",
        "Laptop, wenn vorhanden.",
    ),
]


MON, TUE, WED, THU, FRI = range(5)


@dataclass(frozen=True)
class RunSpec:
    course: str  # CoursePage slug
    capacity: int
    first_in_days: int  # the first session is on `weekday` on or after today plus this; negative: past
    weekday: int
    hours: tuple[str, str]
    sessions: int = 2
    title: str = ""
    room: str | None = None  # name of a room of the course's lab; None: the lab's first room
    venue: tuple[str, str] | None = None  # name and address of an outside venue
    trainer: bool = False
    fill: str = ""  # "", "participant", "nearly_full", "full", "past", "association", "business"


RUNS = [
    RunSpec("smartphone-grundlagen", 12, 5, TUE, ("10:00", "12:00"), 3, "Vormittagskurs", "Lernraum",
            trainer=True, fill="participant"),
    RunSpec("smartphone-grundlagen", 10, 8, THU, ("18:00", "20:00"), 2, "Abendkurs", "Lernraum", trainer=True,
            fill="nearly_full"),
    RunSpec("online-banking", 8, 6, WED, ("10:00", "12:00"), 2, trainer=True, fill="full"),
    RunSpec("social-media-fuer-vereine", 14, 12, MON, ("18:30", "20:30"), 2, fill="association"),
    RunSpec("datenschutz-im-verein", 16, 15, TUE, ("19:00", "21:00"), 1),
    RunSpec("it-sicherheit-kleine-betriebe", 12, 10, WED, ("14:00", "17:00"), 1, room="Lernraum",
            fill="business"),
    RunSpec("3d-druck-fuer-einsteiger", 8, 9, THU, ("16:00", "18:00"), 3, room="Werkstatt", trainer=True),
    RunSpec("ki-im-handwerk", 12, 16, MON, ("17:00", "19:00"), 2),
    RunSpec("online-dienste-der-verwaltung", 12, 7, FRI, ("10:00", "12:00"), 2, trainer=True,
            venue=("Dorfgemeinschaftshaus Börry", "Kirchstraße 5, 31860 Emmerthal")),
    RunSpec("videotelefonie-mit-der-familie", 10, -22, WED, ("15:00", "17:00"), 3, trainer=True, fill="past"),
    RunSpec("videotelefonie-mit-der-familie", 10, 20, WED, ("15:00", "17:00"), 2, trainer=True),
    RunSpec("fotos-ordnen-und-teilen", 10, 13, TUE, ("10:00", "12:00"), 2),
    RunSpec("vereinsverwaltung-digital", 12, 18, WED, ("19:00", "21:00"), 2),
    RunSpec("e-rechnung-fuer-betriebe", 14, 11, FRI, ("09:00", "12:00"), 1),
]  # fmt: skip

TRAINER_LABS = ["hameln", "bad-pyrmont", "aerzen", "emmerthal", "salzhemmendorf"]
MANAGER_LABS = ["hameln", "bad-pyrmont"]

PARTICIPANT_NAMES = [
    "Gerda Wolff", "Heinz Bartels", "Renate Koch", "Dieter Brandes", "Ingrid Vogt", "Manfred Hahn",
    "Elke Schrader", "Werner Busche", "Ursula Heise", "Horst Lampe", "Monika Deppe", "Jürgen Ahrens",
]  # fmt: skip


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str


@dataclass
class DemoSeedResult:
    structure: SiteStructure
    logins: list[DemoLogin] = field(default_factory=list)
    participants: list[User] = field(default_factory=list)


class _Passwords:
    """Hashes the demo password once; accounts that already have it keep their hash."""

    def __init__(self, password: str):
        self.password = password
        self._hash = None
        self._known: dict[str, bool] = {}

    def new_hash(self) -> str:
        if self._hash is None:
            self._hash = make_password(self.password)
        return self._hash

    def matches(self, encoded: str) -> bool:
        if encoded not in self._known:
            self._known[encoded] = check_password(self.password, encoded)
        return self._known[encoded]


def _user(email: str, full_name: str, passwords: _Passwords, **flags) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        return User.objects.create(email=email, full_name=full_name, password=passwords.new_hash(), **flags)
    changed = [key for key, value in flags.items() if getattr(user, key) != value]
    for key in changed:
        setattr(user, key, flags[key])
    if not passwords.matches(user.password):
        user.password = passwords.new_hash()
        changed.append("password")
    if changed:
        user.save(update_fields=changed)
    return user


def _permissions(*names: str) -> list[Permission]:
    """Permissions by "app_label.codename"."""
    found = []
    for name in names:
        app_label, codename = name.split(".")
        found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return found


def _group(name: str, permissions: list[Permission], pages: list[Page]) -> Group:
    group, _created = Group.objects.get_or_create(name=name)
    group.permissions.add(*permissions)
    _page_permissions(group, pages)
    return group


def _page_permissions(group: Group, pages: list[Page]) -> None:
    """Let the group add, edit and publish pages below each of the given pages."""
    page_permissions = _permissions(
        "wagtailcore.add_page", "wagtailcore.change_page", "wagtailcore.publish_page"
    )
    for page in pages:
        for permission in page_permissions:
            GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)


def _labs() -> dict[str, LabPage]:
    labs_index = LabIndexPage.objects.get()
    municipalities = {m.slug: m for m in Municipality.objects.all()}
    labs = {}
    for spec in LABS:
        municipality = municipalities[spec.municipality]
        lab = _child(
            labs_index,
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
        for name, seats, equipment in spec.rooms:
            Room.objects.get_or_create(
                lab=lab, name=name, defaults={"capacity": seats, "equipment": equipment}
            )
        labs[spec.municipality] = lab
    return labs


def _courses(labs: dict[str, LabPage]) -> dict[str, CoursePage]:
    competences = {c.code: c for c in Competence.objects.all()}
    courses = {}
    for spec in COURSES:
        lab = labs[spec.lab]
        course = CoursePage.objects.child_of(lab).filter(slug=spec.slug).first()
        if course is None:
            course = CoursePage(
                slug=spec.slug,
                title=spec.title,
                summary=spec.summary,
                body=spec.body,
                audience=spec.audience,
                topic=spec.topic,
                format=spec.format,
                level=spec.level,
                prerequisites=spec.prerequisites,
                bring_along=spec.bring_along,
                attendance_rule_percent=80,
            )
            course.competences = [competences[code] for code in spec.competences]
            lab.add_child(instance=course)
            course.save_revision().publish()
        courses[spec.slug] = course
    return courses


def _session_days(*, today: date, spec: "RunSpec") -> list[date]:
    """Weekly meeting days; upcoming runs skip the days between Christmas Eve and New Year."""
    day = today + timedelta(days=spec.first_in_days)
    day += timedelta(days=(spec.weekday - day.weekday()) % 7)
    days = []
    while len(days) < spec.sessions:
        if spec.first_in_days < 0 or not ((day.month, day.day) >= (12, 24) or (day.month, day.day) == (1, 1)):
            days.append(day)
        day += timedelta(days=7)
    return days


def _at(day: date, hhmm: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=BERLIN)


def _enrol(run: CourseRun, users: list[User], since: datetime) -> list[Enrolment]:
    """Enrolments in the order given: seats while there are any, then the waiting list in that order."""
    rows = []
    for i, user in enumerate(users):
        at = since + timedelta(minutes=i)
        if i < run.capacity:
            rows.append(Enrolment(run=run, user=user, status=Enrolment.Status.CONFIRMED, confirmed_at=at))
        else:
            rows.append(Enrolment(run=run, user=user, status=Enrolment.Status.WAITLISTED, waitlisted_at=at))
    return Enrolment.objects.bulk_create(rows)


def _runs(*, courses, labs, people: dict[str, User], participants: list[User], today: date) -> None:
    rooms = {}
    for room in Room.objects.filter(lab__in=labs.values()).order_by("pk"):
        rooms.setdefault(room.lab_id, {}).setdefault(room.name, room)
    seeded = set(CourseRun.objects.filter(course__in=courses.values()).values_list("course_id", flat=True))
    trainer = people["trainer"]
    for spec in RUNS:
        course = courses[spec.course]
        if course.pk in seeded:
            continue
        lab_rooms = rooms.get(course.get_parent().pk, {})
        room = None
        if spec.venue is None:
            room = lab_rooms.get(spec.room) if spec.room else next(iter(lab_rooms.values()), None)
        run = CourseRun.objects.create(
            course=course,
            lab_id=course.get_parent().pk,
            title=spec.title,
            capacity=spec.capacity,
            room=room,
            venue_name=spec.venue[0] if spec.venue else "",
            venue_address=spec.venue[1] if spec.venue else "",
        )
        sessions = Session.objects.bulk_create(
            Session(run=run, start=_at(day, spec.hours[0]), end=_at(day, spec.hours[1]))
            for day in _session_days(today=today, spec=spec)
        )
        if spec.trainer:
            run.trainers.add(trainer)
        _fill(run, spec, sessions, people=people, participants=participants)
    return None


def _fill(run, spec: RunSpec, sessions, *, people, participants) -> None:
    since = timezone.now() - timedelta(days=3)
    if spec.fill == "participant":
        _enrol(run, [people["participant"], *participants[9:12]], since)
    elif spec.fill == "nearly_full":
        _enrol(run, participants[: spec.capacity - 1], since)
    elif spec.fill == "full":
        _enrol(run, [*participants[: spec.capacity + 2], people["participant"]], since)
    elif spec.fill == "association":
        _enrol(run, [people["verein"], *participants[10:12]], since)
    elif spec.fill == "business":
        _enrol(run, [people["firma"]], since)
    elif spec.fill == "past":
        since = sessions[0].start - timedelta(days=14)
        enrolments = _enrol(run, [people["participant"], *participants[:5]], since)
        Enrolment.objects.filter(run=run).update(created_at=since)
        present, absent, excused = (
            Attendance.Status.PRESENT,
            Attendance.Status.ABSENT,
            Attendance.Status.EXCUSED,
        )
        pattern = [
            (present, present, present),
            (present, present, present),
            (present, absent, present),
            (present, present, present),
            (excused, present, present),
            (present, present, present),
        ]
        Attendance.objects.bulk_create(
            Attendance(
                session=session, enrolment=enrolment, status=statuses[i], recorded_by=people["trainer"]
            )
            for enrolment, statuses in zip(enrolments, pattern, strict=False)
            for i, session in enumerate(sessions)
        )


def demo_data_seed(
    *, password: str = "demo", participants: int = 12, today: date | None = None
) -> DemoSeedResult:
    """The site structure plus labs, courses, runs and demo accounts; existing things are left as they are.

    `participants` accounts participant1@example.org ... are created and fill the demo runs (a nearly
    full run, a full run with a waiting list, a past run with recorded attendance).
    """
    today = today or timezone.localdate()
    passwords = _Passwords(password)
    with transaction.atomic():
        structure = site_structure_ensure()
        labs = _labs()
        courses = _courses(labs)
        _news(structure.news, today)

        people = {
            "admin": _user("admin@example.org", "Thomas Becker", passwords, is_staff=True, is_superuser=True),
            "manager": _user("manager@example.org", "Martina Krüger", passwords, is_staff=True),
            "editor": _user("editor@example.org", "Jonas Hartmann", passwords),
            "trainer": _user("trainer@example.org", "Sabine Lorenz", passwords),
            "participant": _user("participant@example.org", "Helga Meyer", passwords),
            "verein": _user("verein@example.org", "Klaus Brinkmann", passwords),
            "firma": _user("firma@example.org", "Petra Schaper", passwords),
        }
        crowd = [
            _user(
                f"participant{n}@example.org",
                PARTICIPANT_NAMES[n - 1] if n <= len(PARTICIPANT_NAMES) else f"Teilnehmerin {n}",
                passwords,
            )
            for n in range(1, participants + 1)
        ]

        for slug in MANAGER_LABS:
            lab_role_grant(lab=labs[slug], user=people["manager"], role=LabRole.Role.MANAGER)
        for slug in TRAINER_LABS:
            lab_role_grant(lab=labs[slug], user=people["trainer"], role=LabRole.Role.TRAINER)
        _page_permissions(lab_manager_group(), [labs[slug] for slug in MANAGER_LABS])
        editors = _group("Redaktion", _permissions("wagtailadmin.access_admin"), [structure.home])
        _collection_permissions(editors)
        people["editor"].groups.add(editors)

        _organisation("Heimatverein Fischbeck e. V.", Organisation.Kind.ASSOCIATION, "Hessisch Oldendorf",
                      people["verein"])  # fmt: skip
        _organisation("Tischlerei Brandt GmbH", Organisation.Kind.BUSINESS, "Aerzen", people["firma"])

        _runs(courses=courses, labs=labs, people=people, participants=crowd, today=today)

    logins = [
        DemoLogin("admin@example.org", "Verwaltung (alle Rechte)"),
        DemoLogin("manager@example.org", "Laborleitung Hameln und Bad Pyrmont"),
        DemoLogin("editor@example.org", "Redaktion der Webseite"),
        DemoLogin("trainer@example.org", "Kursleitung"),
        DemoLogin("participant@example.org", "Teilnehmerin mit Anmeldungen"),
        DemoLogin("verein@example.org", "Ansprechperson eines Vereins"),
        DemoLogin("firma@example.org", "Ansprechperson eines Betriebs"),
    ]
    return DemoSeedResult(structure=structure, logins=logins, participants=crowd)


def _collection_permissions(group: Group) -> None:
    root = Collection.get_first_root_node()
    for permission in _permissions(
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
    ):
        GroupCollectionPermission.objects.get_or_create(group=group, collection=root, permission=permission)


def _organisation(name: str, kind: str, municipality: str, contact: User) -> Organisation:
    organisation, _created = Organisation.objects.get_or_create(
        name=name, defaults={"kind": kind, "municipality": municipality}
    )
    OrganisationMembership.objects.get_or_create(
        organisation=organisation, user=contact, defaults={"role": OrganisationMembership.Role.CONTACT}
    )
    return organisation


def _news(news: NewsIndexPage, today: date) -> None:
    _child(
        news,
        NewsPage,
        slug="neues-labor-salzhemmendorf",
        title="Neues Regionallabor in Salzhemmendorf",
        date=today - timedelta(days=12),
        summary="Jetzt gibt es in allen acht Orten des Landkreises ein Regionallabor.",
        body=_paragraphs(
            "Seit diesem Monat hat auch Salzhemmendorf ein Regionallabor. Es ist in der Grundschule.",
            "Den Anfang macht der Kurs „Videotelefonie mit der Familie“. Kommen Sie vorbei!",
        ),
    )
    _child(
        news,
        NewsPage,
        slug="e-rechnung-workshops",
        title="Neue Workshops zur E-Rechnung",
        date=today - timedelta(days=3),
        summary="Betriebe lernen, wie sie E-Rechnungen empfangen und schreiben.",
        body=_paragraphs(
            "Seit 2025 müssen Betriebe E-Rechnungen empfangen können. "
            "Unsere neuen Workshops zeigen, wie das geht.",
            "Die Workshops sind kostenfrei und dauern einen Vormittag.",
        ),
    )
