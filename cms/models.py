from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from courses.models import Audience

from .blocks import BodyBlock

PAGE_SIZE = 10


def paginate(request, items, per_page: int = PAGE_SIZE) -> PaginatorPage:
    """One page of `items` by the `page` query parameter; a wrong or too large number shows the last page."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


class HomePage(Page):
    """The start page: what the labs offer, where they are, the next courses."""

    intro = models.TextField(_("Einleitung"), max_length=500, blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("Inhalt"))

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.LabIndexPage", "cms.CatalogPage", "cms.NewsIndexPage", "cms.StandardPage"]
    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]

    class Meta:
        verbose_name = _("Startseite")

    def get_context(self, request, *args, **kwargs):
        from courses.catalogue.selectors import CatalogueFilters, courses_for_catalogue, courses_with_next_run
        from labs.selectors import labs_published

        from .forms import CourseFinderForm

        context = super().get_context(request, *args, **kwargs)
        upcoming = courses_for_catalogue(filters=CatalogueFilters(has_upcoming_runs=True))[:6]
        context["upcoming_courses"] = courses_with_next_run(courses=upcoming)
        # The labs and the catalogue of this page's language (German at /, English at /en/).
        context["labs"] = labs_published(locale_id=self.locale_id)
        context["finder"] = CourseFinderForm()
        context["catalogue"] = CatalogPage.objects.live().child_of(self).filter(audience="").first()
        return context


class LabIndexPage(Page):
    """Lists the labs; each lab page sits below it."""

    intro = models.TextField(_("Einleitung"), blank=True)

    max_count = 1
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["labs.LabPage"]
    content_panels = Page.content_panels + [FieldPanel("intro")]

    class Meta:
        verbose_name = _("Übersicht der Labore")

    def get_context(self, request, *args, **kwargs):
        from labs.selectors import labs_published

        context = super().get_context(request, *args, **kwargs)
        context["labs"] = labs_published(under=self)
        return context


class CatalogPage(Page):
    """A catalogue of course offers across all labs, optionally preset to one audience."""

    intro = models.TextField(_("Einleitung"), blank=True)
    audience = models.CharField(
        _("Nur für"), max_length=20, choices=Audience.choices, blank=True, help_text=_("Leer: alle Angebote.")
    )

    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("audience")]

    class Meta:
        verbose_name = _("Kurskatalog")

    def get_context(self, request, *args, **kwargs):
        from courses.catalogue.selectors import courses_for_catalogue, courses_with_next_run

        from .forms import CatalogueFilterForm

        context = super().get_context(request, *args, **kwargs)
        form = CatalogueFilterForm(request.GET or None, audience=self.audience)
        results = paginate(request, courses_for_catalogue(filters=form.filters()))
        results.object_list = courses_with_next_run(courses=results.object_list)
        place_notice = form.place_notice(found=results.paginator.count)
        context.update(form=form, results=results, place_notice=place_notice)
        return context


class NewsIndexPage(Page):
    intro = models.TextField(_("Einleitung"), blank=True)

    max_count = 1
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NewsPage"]
    content_panels = Page.content_panels + [FieldPanel("intro")]

    class Meta:
        verbose_name = _("Neuigkeiten")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        news = NewsPage.objects.live().public().child_of(self).order_by("-date", "-pk")
        context["news"] = paginate(request, news)
        return context


class NewsPage(Page):
    date = models.DateField(_("Datum"))
    summary = models.TextField(_("Kurz gesagt"), max_length=300)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("Inhalt"))

    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types = []
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]
    content_panels = Page.content_panels + [FieldPanel("date"), FieldPanel("summary"), FieldPanel("body")]

    class Meta:
        verbose_name = _("Meldung")
        verbose_name_plural = _("Meldungen")
        ordering = ["-date"]


class StandardPage(Page):
    """A plain page: Impressum, Datenschutz, Erklärung zur Barrierefreiheit, Über uns."""

    body = StreamField(BodyBlock(), blank=True, verbose_name=_("Inhalt"))

    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]
    search_fields = Page.search_fields + [index.SearchField("body")]
    content_panels = Page.content_panels + [FieldPanel("body")]

    class Meta:
        verbose_name = _("Inhaltsseite")


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """Contact details and legal pages shown in every page's footer."""

    organisation = models.CharField(_("Träger"), max_length=200, default="Landkreis Hameln-Pyrmont")
    contact_email = models.EmailField(_("E-Mail"), blank=True)
    contact_phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    imprint_page = models.ForeignKey(
        Page, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("Impressum")
    )
    privacy_page = models.ForeignKey(
        Page,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Datenschutz"),
    )
    accessibility_page = models.ForeignKey(
        Page,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Erklärung zur Barrierefreiheit"),
    )

    panels = [
        FieldPanel("organisation"),
        FieldPanel("contact_email"),
        FieldPanel("contact_phone"),
        FieldPanel("imprint_page"),
        FieldPanel("privacy_page"),
        FieldPanel("accessibility_page"),
    ]

    class Meta:
        verbose_name = _("Angaben der Webseite")
