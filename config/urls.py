from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from cms.seo import PageSitemap, robots_txt
from config.api import api_urlpatterns

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include((api_urlpatterns, "api"))),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": PageSitemap}}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("konto/", include("accounts.urls")),
    path("", include("courses.participant.urls")),
    path("kursleitung/", include("courses.trainer.urls")),
    path("team/", include("courses.staff.urls")),
    path("", include("courses.bookings.urls")),
    path("badges/", include("courses.badges.urls")),
    path("calendar/", include("courses.calendar.urls")),
    path("", include("certificates.urls")),
    path("", include("courses.competences.urls")),
    path("suche/", include("cms.urls")),
    path("innovationsworkshops/anfrage/", include("labs.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]

handler500 = "core.views.server_error"
