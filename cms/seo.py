"""What search engines and other sites read about the site: structured data (schema.org JSON-LD) for course
and lab pages, the page's description for link previews, the sitemap and robots.txt.

Every URL here is absolute and built from the Wagtail site's root URL, which the site structure keeps equal
to SITE_URL, so that the sitemap, the canonical link and the structured data name the same address.
"""

import json
import re
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.db.models import Q
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from wagtail.contrib.sitemaps import Sitemap as WagtailSitemap
from wagtail.models import Locale, Page, Site

from courses.models import CoursePage, CourseRun, Format
from labs.models import LabPage

SCHEMA = "https://schema.org"
# The framework the courses' competences and levels come from (courses/data/digcomp-2.2.json).
DIGCOMP = {
    "@type": "DefinedTermSet",
    "name": "DigComp 2.2",
    "url": "https://publications.jrc.ec.europa.eu/repository/handle/JRC128415",
}
COURSE_MODE = {Format.IN_PERSON: "onsite", Format.ONLINE: "online", Format.HYBRID: "blended"}
ATTENDANCE_MODE = {
    Format.IN_PERSON: f"{SCHEMA}/OfflineEventAttendanceMode",
    Format.ONLINE: f"{SCHEMA}/OnlineEventAttendanceMode",
    Format.HYBRID: f"{SCHEMA}/MixedEventAttendanceMode",
}
EVENT_STATUS = {
    CourseRun.Status.SCHEDULED: f"{SCHEMA}/EventScheduled",
    CourseRun.Status.CANCELLED: f"{SCHEMA}/EventCancelled",
    CourseRun.Status.CLOSED: f"{SCHEMA}/EventScheduled",
}
OG_LOCALES = {"de": "de_DE", "en": "en_GB"}
FREE_WORDS = ("kostenfrei", "kostenlos", "gratis", "gebührenfrei", "free")
DESCRIPTION_LENGTH = 200
# A list's page number in the canonical link; longer ones are nonsense typed into the address.
MAX_PAGE_DIGITS = 6
# An outside venue's address as editors write it: "Dorfstraße 1, 31855 Aerzen".
ADDRESS_LINE = re.compile(r"^(?:(?P<street>.+?),\s*)?(?P<postcode>\d{5})\s+(?P<town>[^,]+?)\s*$")
# Characters that could end the <script> element or start markup, written as JSON escapes (as json_script).
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
# Pages people must log in for, staff tools and the API: nothing for a search engine.
PRIVATE_PATHS = ("/cms/", "/django-admin/", "/api/", "/calendar/me/")
# The same for the site's own views, which carry a language prefix in languages other than German.
PRIVATE_SITE_PATHS = ("/konto/", "/kursleitung/", "/team/", "/meine-kurse/")


def site_root_url(request) -> str:
    """The site's address without a trailing slash: the Wagtail site answering the request, else SITE_URL."""
    site = Site.find_for_request(request) if request is not None else None
    return site.root_url if site is not None else settings.SITE_URL


def json_ld_script(data: dict, *, nonce: str = "") -> SafeString:
    """A `<script type="application/ld+json">` element holding `data`, escaped so that no text in it can
    close the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(JSON_SCRIPT_ESCAPES)
    if nonce:
        return format_html(
            '<script type="application/ld+json" nonce="{}">{}</script>', nonce, mark_safe(text)
        )
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


# --- Link previews ------------------------------------------------------------------------------------


def page_description(page: Page) -> str:
    """What the page is about in a sentence or two: the editor's search description, else the page's
    summary or introduction, else the start of its first paragraph."""
    text = page.search_description or getattr(page, "summary", "") or getattr(page, "intro", "")
    if not text:
        text = _first_paragraph(page)
    return Truncator(" ".join(strip_tags(text).split())).chars(DESCRIPTION_LENGTH)


def _first_paragraph(page: Page) -> str:
    body = getattr(page, "body", None)
    if isinstance(body, str):
        return body
    for block in body or []:
        if block.block_type == "paragraph":
            return str(block.value)
    return ""


def page_image(page: Page):
    """The first image in the page's content, or None."""
    body = getattr(page, "body", None)
    if body is None or isinstance(body, str):
        return None
    for block in body:
        if block.block_type == "image" and block.value is not None:
            return block.value
    return None


def page_meta(*, page: Page, request) -> dict:
    """What link previews (Open Graph) and search engines read in the page's head."""
    original = page.alias_of if page.alias_of_id else page
    root = site_root_url(request)
    url = original.get_full_url(request)
    canonical = url
    number = request.GET.get("page", "") if request is not None else ""
    if url and number.isdigit() and len(number) <= MAX_PAGE_DIGITS and int(number) > 1:
        canonical = f"{url}?page={int(number)}"
    meta = {
        "title": page.seo_title or page.title,
        "description": page_description(page),
        "canonical": canonical,
        "type": "article" if getattr(page, "date", None) else "website",
        "locale": og_locale(_content_language(original)),
        "site_name": _("Regionallabore"),
        "image": None,
    }
    image = page_image(page)
    rendition = _preview_rendition(image) if image is not None else None
    if rendition is not None:
        meta["image"] = {
            "url": rendition.url if rendition.url.startswith("http") else root + rendition.url,
            "width": rendition.width,
            "height": rendition.height,
            "alt": "" if getattr(image, "decorative", False) else getattr(image, "contextual_alt_text", ""),
        }
    return meta


def _preview_rendition(image):
    """The picture in the size link previews show, or None when its file cannot be read."""
    try:
        return image.get_rendition("fill-1200x630-c100")
    except OSError:  # SourceImageIOError: a missing or broken file leaves the preview without a picture
        return None


def _content_language(page: Page) -> str:
    if getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        # A page previewed before it was ever saved may not have its locale yet.
        return page.locale.language_code if page.locale_id else get_language() or settings.LANGUAGE_CODE
    return settings.LANGUAGE_CODE


def og_locale(language: str) -> str:
    """An Open Graph locale ("de_DE") for a language code ("de")."""
    language = language.split("-")[0].lower()
    return OG_LOCALES.get(language, f"{language}_{language.upper()}")


# --- Structured data ----------------------------------------------------------------------------------


def course_json_ld(*, course: CoursePage, runs, organisation: str, request) -> dict:
    """schema.org `Course` for a course offer, with a `CourseInstance` for each run in `runs` (from
    `runs_for_course_page`: upcoming runs with sessions, seat counts, lab and room)."""
    root = site_root_url(request)
    url = course.get_full_url(request) or root + "/"
    lab = course.get_parent()  # None in the preview of a course page that was never saved
    if lab is not None:
        provider = _lab_organisation(lab=lab, organisation=organisation, request=request, root=root)
    else:
        provider = _district(organisation=organisation, root=root)
    data = {
        "@context": SCHEMA,
        "@type": "Course",
        "@id": f"{url}#kurs",
        "name": course.title,
        "description": course.summary,
        "url": url,
        "inLanguage": "de",
        "provider": provider,
        "educationalLevel": {
            "@type": "DefinedTerm",
            "termCode": str(course.level),
            "name": str(course.get_level_display()),
            "inDefinedTermSet": DIGCOMP,
        },
        "audience": {
            "@type": "BusinessAudience" if course.audience == "businesses" else "Audience",
            "audienceType": str(course.get_audience_display()),
        },
        "about": {"@type": "Thing", "name": str(course.get_topic_display())},
        "offers": _offer(course.price, url=url),
        "isAccessibleForFree": _is_free(course.price),
        "hasCourseInstance": [
            _course_instance(run=run, course=course, course_url=url, provider=provider, root=root)
            for run in runs
        ],
    }
    competences = [
        {
            "@type": "DefinedTerm",
            "termCode": competence.code,
            "name": competence.display_name,
            "inDefinedTermSet": DIGCOMP,
        }
        for competence in course.competences.all()
    ]
    if competences:
        data["teaches"] = competences
    if course.prerequisites:
        data["coursePrerequisites"] = course.prerequisites
    return data


def lab_json_ld(*, lab: LabPage, runs, organisation: str, request) -> dict:
    """schema.org `EducationalOrganization` (a `CivicStructure`, so a `Place` with address, geo and opening
    hours) for a lab, with its upcoming runs as `Event`s."""
    root = site_root_url(request)
    data = _lab_organisation(lab=lab, organisation=organisation, request=request, root=root)
    data = {"@context": SCHEMA, **data}
    if lab.intro:
        data["description"] = lab.intro
    # A lab previewed before it was ever saved may not have its municipality yet.
    municipality = lab.municipality if lab.municipality_id else None
    data["address"] = _postal_address(
        street=lab.street, postcode=lab.postcode, town=lab.town or getattr(municipality, "name", "")
    )
    latitude, longitude = lab.latitude, lab.longitude
    if (latitude is None or longitude is None) and municipality is not None:
        latitude, longitude = municipality.latitude, municipality.longitude
    if latitude is not None and longitude is not None:
        data["geo"] = {"@type": "GeoCoordinates", "latitude": latitude, "longitude": longitude}
    hours = [line.strip() for line in lab.opening_hours.splitlines() if line.strip()]
    if hours:
        data["openingHours"] = hours if len(hours) > 1 else hours[0]
    if lab.contact_phone:
        data["telephone"] = lab.contact_phone
    if lab.contact_email:
        data["email"] = lab.contact_email
    data["event"] = [
        _lab_event(run=run, organizer={"@id": data["@id"]}, request=request, root=root) for run in runs
    ]
    return data


def _lab_organisation(*, lab: Page, organisation: str, request, root: str) -> dict:
    url = lab.get_full_url(request) or root + "/"
    data = {"@type": "EducationalOrganization", "@id": f"{url}#labor", "name": lab.title, "url": url}
    if organisation:
        data["parentOrganization"] = _district(organisation=organisation, root=root)
    return data


def _district(*, organisation: str, root: str) -> dict:
    """The organisation that runs the labs and the site (the district)."""
    return {
        "@type": "GovernmentOrganization",
        "@id": f"{root}/#traeger",
        "name": organisation or _("Regionallabore"),
        "url": f"{root}/",
    }


def _course_instance(
    *, run: CourseRun, course: CoursePage, course_url: str, provider: dict, root: str
) -> dict:
    sessions = list(run.sessions.all())
    name = f"{course.title} – {run.title}" if run.title else course.title
    data = {
        "@type": "CourseInstance",
        "name": name,
        "courseMode": COURSE_MODE.get(course.format, "onsite"),
        "eventAttendanceMode": ATTENDANCE_MODE.get(course.format, ATTENDANCE_MODE[Format.IN_PERSON]),
        "eventStatus": EVENT_STATUS.get(run.status, EVENT_STATUS[CourseRun.Status.SCHEDULED]),
        **_run_dates(run=run, sessions=sessions),
        "location": _run_location(run=run, course=course, course_url=course_url),
        "maximumAttendeeCapacity": run.capacity,
        "remainingAttendeeCapacity": run.seats_left,
        "organizer": {"@id": provider["@id"]},
        "url": f"{course_url}#termin-{run.pk}",
    }
    # The enrol form while people can enrol, else the run on the course page.
    if getattr(run, "enrolment_open", False):
        data["url"] = root + reverse("courses:enrol", args=[run.pk])
    workload = sum((session.end - session.start for session in sessions), timedelta())
    if workload:
        data["courseWorkload"] = _iso_duration(workload)
    if len(sessions) > 1:
        data["subEvent"] = [
            _session_event(session=session, number=number, total=len(sessions), name=name)
            for number, session in enumerate(sessions, start=1)
        ]
    return data


def _lab_event(*, run: CourseRun, organizer: dict, request, root: str) -> dict:
    course = run.course
    course_url = course.get_full_url(request) or root + "/"
    data = {
        "@type": "Event",
        "name": f"{course.title} – {run.title}" if run.title else course.title,
        "description": course.summary,
        **_run_dates(run=run, sessions=list(run.sessions.all())),
        "eventStatus": EVENT_STATUS.get(run.status, EVENT_STATUS[CourseRun.Status.SCHEDULED]),
        "eventAttendanceMode": ATTENDANCE_MODE.get(course.format, ATTENDANCE_MODE[Format.IN_PERSON]),
        "location": _run_location(run=run, course=course, course_url=course_url),
        "organizer": organizer,
        "url": f"{course_url}#termin-{run.pk}",
    }
    return data


def _session_event(*, session, number: int, total: int, name: str) -> dict:
    data = {
        "@type": "Event",
        "name": _("%(name)s, Treffen %(number)s von %(total)s")
        % {"name": name, "number": number, "total": total},
        "startDate": _iso(session.start),
        "endDate": _iso(session.end),
    }
    if session.location:
        data["location"] = {"@type": "Place", "name": session.location, "address": session.location}
    return data


def _run_dates(*, run: CourseRun, sessions: list) -> dict:
    if not sessions:
        return {}
    return {
        "startDate": _iso(min(session.start for session in sessions)),
        "endDate": _iso(max(session.end for session in sessions)),
    }


def _run_location(*, run: CourseRun, course: CoursePage, course_url: str):
    """Where the run meets: the outside venue, else the lab (and its room); online runs meet on the web."""
    virtual = {"@type": "VirtualLocation", "name": _("Online"), "url": course_url}
    if course.format == Format.ONLINE:
        return virtual
    if run.venue_name:
        place = {"@type": "Place", "name": run.venue_name}
        if run.venue_address:
            match = ADDRESS_LINE.match(run.venue_address)
            place["address"] = _postal_address(**match.groupdict(default="")) if match else run.venue_address
    else:
        lab = run.lab
        place = {
            "@type": "Place",
            "name": f"{lab.title}, {run.room.name}" if run.room_id else lab.title,
            "address": _postal_address(street=lab.street, postcode=lab.postcode, town=lab.town),
        }
        if lab.latitude is not None and lab.longitude is not None:
            place["geo"] = {"@type": "GeoCoordinates", "latitude": lab.latitude, "longitude": lab.longitude}
    return [place, virtual] if course.format == Format.HYBRID else place


def _postal_address(*, street: str, postcode: str, town: str) -> dict:
    address = {"@type": "PostalAddress"}
    if street:
        address["streetAddress"] = street
    if postcode:
        address["postalCode"] = postcode
    if town:
        address["addressLocality"] = town
    address["addressCountry"] = "DE"
    return address


def _is_free(price: str) -> bool:
    text = price.strip().lower()
    if not text:
        return True
    amount = _amount(text)
    if amount is not None:
        return float(amount) == 0
    return any(word in text for word in FREE_WORDS)


def _amount(text: str) -> str | None:
    """The amount in euros named in a price text ("12,50 €", "EUR 5", "5 Euro Materialkosten")."""
    match = re.search(r"(\d+(?:[.,]\d{1,2})?)\s*(?:€|eur\b|euro\b)", text, re.IGNORECASE) or re.search(
        r"(?:€|eur\b|euro\b)\s*(\d+(?:[.,]\d{1,2})?)", text, re.IGNORECASE
    )
    return match.group(1).replace(",", ".") if match else None


def _offer(price: str, *, url: str) -> dict:
    """A free course costs "0" EUR; otherwise the amount named in the price text, else the text itself."""
    offer = {"@type": "Offer", "priceCurrency": "EUR", "url": url}
    if _is_free(price):
        return {**offer, "price": "0", "category": "Free"}
    amount = _amount(price)
    return {
        **offer,
        "price": amount if amount is not None else price.strip(),
        "description": price.strip(),
        "category": "Paid",
    }


def _iso(moment) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _iso_duration(duration: timedelta) -> str:
    minutes = int(duration.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")


# --- Sitemap and robots.txt ---------------------------------------------------------------------------


class PageSitemap(WagtailSitemap):
    """The live public pages of the site in every language, each once per language with its own URL, and
    its translations as alternates.

    Aliases (a page shown unchanged at a second place, such as the English counterpart of a page nobody has
    translated yet) are left out: their content is the original's, which is listed.
    """

    def items(self):
        if not hasattr(self, "_pages"):
            site = self.get_wagtail_site()
            roots = site.root_page.get_translations(inclusive=True).values_list("path", flat=True)
            scope = Q()
            for path in roots:
                scope |= Q(path__startswith=path)
            self._pages = list(
                Page.objects.filter(scope, alias_of__isnull=True)
                .live()
                .public()
                .order_by("path")
                .defer_streamfields()
                .specific()
            )
        return self._pages

    def _urls(self, page, protocol, domain):
        languages = dict(Locale.objects.values_list("pk", "language_code"))
        versions = defaultdict(list)
        for item in self.items():
            versions[item.translation_key].append(item)
        urls, last_mods = [], set()
        for item in self.paginator.page(page).object_list:
            own = item.get_full_url(self.request)
            alternates = self._alternates(versions[item.translation_key], languages)
            for url_info in item.get_sitemap_urls(self.request):
                if not url_info.get("location"):
                    continue
                if url_info["location"] == own and alternates:
                    url_info = {**url_info, "alternates": alternates}
                urls.append(url_info)
                last_mods.add(url_info.get("lastmod"))
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return urls

    def _alternates(self, pages: list[Page], languages: dict[int, str]) -> list[dict]:
        if len(pages) < 2:
            return []
        alternates = []
        for version in pages:
            location = version.get_full_url(self.request)
            if location:
                alternates.append({"location": location, "lang_code": languages.get(version.locale_id, "")})
                if languages.get(version.locale_id) == settings.LANGUAGE_CODE:
                    alternates.append({"location": location, "lang_code": "x-default"})
        return alternates


def robots_paths() -> list[str]:
    """The paths robots are asked to stay out of: staff tools, the API and people's own pages, in every
    language the site's pages have a prefix for."""
    paths = list(PRIVATE_PATHS) + list(PRIVATE_SITE_PATHS)
    prefixed, prefix_default = is_language_prefix_patterns_used(settings.ROOT_URLCONF)
    if prefixed:
        for code, _name in settings.LANGUAGES:
            if code != settings.LANGUAGE_CODE or prefix_default:
                paths += [f"/{code}{path}" for path in PRIVATE_SITE_PATHS]
    return paths


@require_GET
def robots_txt(request):
    """Robots may read every public page; the sitemap lists them."""
    lines = ["User-agent: *", "Allow: /"]
    lines += [f"Disallow: {path}" for path in robots_paths()]
    lines += ["", f"Sitemap: {site_root_url(request)}{reverse('sitemap')}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
