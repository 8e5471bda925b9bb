"""The site structure: the page tree every installation needs and the site-wide editors' group.

`site_structure_ensure` builds home, labs index, catalogues, news and the legal pages (their texts are in
`cms/legal/`), points the default site at the home page and fills the site settings. It is idempotent: each
page is looked up by its slug under its parent and created only when missing, so running it again changes
nothing. Each German page has its English counterpart (cms.translations); the home page, the lab index, the
catalogues and the news index are translated into English here, where nobody has translated them yet. The
demo data built on top of it lives in `cms.demo`.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Locale, Page, Site
from wagtail.rich_text import RichText

from courses.models import Audience

from .legal import legal_page_body
from .models import CatalogPage, HomePage, LabIndexPage, NewsIndexPage, SiteSettings, StandardPage
from .translations import page_translation_publish

DISTRICT = "Landkreis Hameln-Pyrmont"
CONTACT_EMAIL = "regionallabore@example.org"
CONTACT_PHONE = "05151 555 100"

EDITORS_GROUP = "Redaktion"
# Editors may write and publish every page below the home page and upload images and documents.
EDITOR_PERMISSIONS = (
    "wagtailadmin.access_admin",
    # The wording of the platform's mails (E-Mail-Texte).
    "outbox.add_mailtext",
    "outbox.change_mailtext",
    "outbox.delete_mailtext",
    "outbox.view_mailtext",
    # The certificates' design (Zertifikatsvorlagen), previewed and published like pages.
    "certificates.add_certificatetemplate",
    "certificates.change_certificatetemplate",
    "certificates.publish_certificatetemplate",
    "certificates.view_certificatetemplate",
    # The catalogue search's everyday words (Suchwörter).
    "courses.add_searchsynonym",
    "courses.change_searchsynonym",
    "courses.delete_searchsynonym",
    "courses.view_searchsynonym",
    # Translating pages into English ("Übersetzen").
    "wagtail_localize.submit_translation",
)
EDITOR_PAGE_PERMISSIONS = ("wagtailcore.add_page", "wagtailcore.change_page", "wagtailcore.publish_page")
EDITOR_COLLECTION_PERMISSIONS = (
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
)


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
    editors: Group


def paragraphs(*texts: str) -> list:
    """StreamField paragraph blocks, one per text (trusted HTML inside a paragraph)."""
    return [("paragraph", RichText(f"<p>{text}</p>")) for text in texts]


def child_page_ensure(parent: Page, model: type[Page], *, slug: str, **fields) -> Page:
    """The child of `parent` with this slug; created and published with a revision when missing.

    An existing page is returned as it is: what editors changed in Wagtail stays.
    """
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing:
        return existing
    page = parent.add_child(instance=model(slug=slug, **fields))
    page.save_revision().publish()
    return page


def _home_page() -> HomePage:
    """The HomePage as the default site's root, replacing Wagtail's initial welcome page."""
    home = HomePage.objects.filter(locale__language_code=settings.LANGUAGE_CODE).first()
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
                    ("heading", "So einfach geht es"),
                    *paragraphs(
                        "Suchen Sie einen Kurs in Ihrer Nähe aus. Melden Sie sich mit Ihrer E-Mail-Adresse "
                        "an. Sie bekommen eine Bestätigung mit allen Terminen.",
                        "Fragen? Rufen Sie uns an: " + CONTACT_PHONE + ".",
                    ),
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


def _permissions(names: tuple[str, ...]) -> list[Permission]:
    """Permissions by "app_label.codename"."""
    query = Q()
    for name in names:
        app_label, codename = name.split(".")
        query |= Q(content_type__app_label=app_label, codename=codename)
    found = list(Permission.objects.filter(query).select_related("content_type"))
    missing = set(names) - {f"{p.content_type.app_label}.{p.codename}" for p in found}
    if missing:
        raise LookupError(f"Unknown permissions: {', '.join(sorted(missing))}")
    return found


def _editors_group(home: HomePage) -> Group:
    """The site-wide editors' group: pages below the home page in every language, images and documents.

    Editors of a single lab get their own group from `labs.services.lab_role_grant` instead.
    """
    group, _created = Group.objects.get_or_create(name=EDITORS_GROUP)
    group.permissions.add(*_permissions(EDITOR_PERMISSIONS))
    for page in home.get_translations(inclusive=True):
        for permission in _permissions(EDITOR_PAGE_PERMISSIONS):
            GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)
    root = Collection.get_first_root_node()
    for permission in _permissions(EDITOR_COLLECTION_PERMISSIONS):
        GroupCollectionPermission.objects.get_or_create(group=group, collection=root, permission=permission)
    return group


def site_structure_ensure() -> SiteStructure:
    """The pages every installation has, published, with the legal pages set in the site settings,
    and the site-wide editors' group."""
    contact = {"district": DISTRICT, "contact_email": CONTACT_EMAIL, "contact_phone": CONTACT_PHONE}
    with transaction.atomic():
        home = _home_page()
        labs = child_page_ensure(
            home,
            LabIndexPage,
            slug="labore",
            title="Labore",
            intro=(
                "In acht Orten im Landkreis gibt es ein Regionallabor. Dort finden die meisten Kurse statt."
            ),
        )
        catalogue = child_page_ensure(
            home,
            CatalogPage,
            slug="kurse",
            title="Kurse",
            intro="Alle Kurse der Regionallabore. Wählen Sie aus, was Sie lernen möchten.",
        )
        workshops = child_page_ensure(
            home,
            CatalogPage,
            slug="innovationsworkshops",
            title="Innovationsworkshops",
            audience=Audience.BUSINESSES,
            intro="Kurze Workshops für Betriebe: Sicherheit, künstliche Intelligenz und digitale Abläufe.",
        )
        news = child_page_ensure(
            home,
            NewsIndexPage,
            slug="neuigkeiten",
            title="Neuigkeiten",
            intro="Was es Neues in den Regionallaboren gibt.",
        )
        imprint = _legal_page(home, slug="impressum", title="Impressum", contact=contact)
        privacy = _legal_page(home, slug="datenschutz", title="Datenschutz", contact=contact)
        accessibility = _legal_page(
            home, slug="barrierefreiheit", title="Erklärung zur Barrierefreiheit", contact=contact
        )
        _site_settings(home, imprint=imprint, privacy=privacy, accessibility=accessibility)
        for page in (home, labs, catalogue, workshops, news):
            english_translation_ensure(page, ENGLISH)
        editors = _editors_group(home)
    return SiteStructure(home, labs, catalogue, workshops, news, imprint, privacy, accessibility, editors)


# The English texts of the pages above, by their German text (what wagtail-localize calls a segment).
ENGLISH = {
    # Home page
    "Regionallabore": "Regional digital labs",
    f"Regionallabore im {DISTRICT}": "Regional digital labs in the district of Hameln-Pyrmont",
    (
        "Digital lernen, ganz in der Nähe. In unseren Regionallaboren zeigen wir Ihnen Schritt für Schritt, "
        "wie Smartphone, Internet und Computer helfen. Die Kurse sind klein, ruhig und meist kostenfrei."
    ): (
        "Digital learning, close to home. In our regional labs we show you step by step how smartphones, "
        "the internet and computers can help you. The courses are small, calm and mostly free of charge."
    ),
    "So einfach geht es": "How it works",
    (
        "Suchen Sie einen Kurs in Ihrer Nähe aus. Melden Sie sich mit Ihrer E-Mail-Adresse an. "
        "Sie bekommen eine Bestätigung mit allen Terminen."
    ): (
        "Choose a course near you. Enrol with your email address. "
        "You will get a confirmation with all the dates."
    ),
    f"Fragen? Rufen Sie uns an: {CONTACT_PHONE}.": f"Questions? Call us: {CONTACT_PHONE}.",
    # Lab index, catalogues, news
    "Labore": "Labs",
    "In acht Orten im Landkreis gibt es ein Regionallabor. Dort finden die meisten Kurse statt.": (
        "There is a regional lab in eight places in the district. Most courses take place there."
    ),
    "Kurse": "Courses",
    "Alle Kurse der Regionallabore. Wählen Sie aus, was Sie lernen möchten.": (
        "All courses of the regional labs. Choose what you would like to learn."
    ),
    "Innovationsworkshops": "Innovation workshops",
    "Kurze Workshops für Betriebe: Sicherheit, künstliche Intelligenz und digitale Abläufe.": (
        "Short workshops for businesses: security, artificial intelligence and digital processes."
    ),
    "Neuigkeiten": "News",
    "Was es Neues in den Regionallaboren gibt.": "What is new in the regional labs.",
}


def english_translation_ensure(page: Page, texts: dict[str, str]) -> Page | None:
    """Translate a German page into English with `texts` (German text -> English) while its English page is
    still an alias; a translation an editor made or changed stays as it is."""
    english = page.get_translation_or_none(Locale.objects.get(language_code="en"))
    if english is not None and english.alias_of_id is None:
        return None
    return page_translation_publish(page, texts)


def _legal_page(home: HomePage, *, slug: str, title: str, contact: dict[str, str]) -> StandardPage:
    existing = StandardPage.objects.child_of(home).filter(slug=slug).first()
    if existing:
        return existing
    return child_page_ensure(
        home, StandardPage, slug=slug, title=title, body=legal_page_body(slug, **contact)
    )


def _site_settings(home: HomePage, *, imprint: Page, privacy: Page, accessibility: Page) -> None:
    """Fill what is still empty in the site settings; what an administrator set stays."""
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
