from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from cms.seo import PageSitemap, robots_txt
from config.api import api_urlpatterns
from core.health import healthz
from core.i18n import set_language

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", include((api_urlpatterns, "api"))),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": PageSitemap}}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("healthz", healthz, name="healthz"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # Calendar feeds and badges keep one address in every language (DESIGN.md contracts); the few badge
    # pages there answer in the language of the cookie or the browser, like the API.
    path("badges/", include("courses.badges.urls")),
    path("calendar/", include("courses.calendar.urls")),
]

# Pages: German at /…, English at /en/… (see core.i18n).
urlpatterns += i18n_patterns(
    path("konto/", include("accounts.urls")),
    path("", include("courses.participant.urls")),
    path("kursleitung/", include("courses.trainer.urls")),
    path("team/", include("courses.staff.urls")),
    path("berichte/", include("reports.urls")),
    path("", include("courses.bookings.urls")),
    path("", include("certificates.urls")),
    path("", include("courses.competences.urls")),
    path("suche/", include("cms.urls")),
    path("innovationsworkshops/anfrage/", include("labs.urls")),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(path("", include(wagtail_urls)), prefix_default_language=False)

handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
