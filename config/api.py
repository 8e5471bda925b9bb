"""API plumbing shared by every app: pagination, the schema's scope, the router (errors: `api_errors`)."""

import functools

from django.urls import path
from rest_framework.pagination import PageNumberPagination
from rest_framework.routers import DefaultRouter


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


def schema_api_paths_only(endpoints, **kwargs):
    """drf-spectacular preprocessing hook: describe this site's API, not the CMS's internal one."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/")]


@functools.cache
def _api_urlpatterns() -> list:
    """One router for the resources, plus the paths that are not resources of their own."""
    from accounts.api import MyTokensRevokeAllView, MyTokensView, MyTokenView, TokenView
    from certificates.api import CertificateVerifyView, MyCertificatesView
    from courses.api import (
        BookingViewSet,
        CourseViewSet,
        EnrolmentViewSet,
        MyBadgesView,
        MyBookingsView,
        MyCalendarRenewView,
        MyCalendarView,
        MyEnrolmentsView,
        MyOrganisationsView,
        RunViewSet,
        SessionViewSet,
    )
    from labs.api import LabViewSet

    router = DefaultRouter()
    router.register("labs", LabViewSet, basename="lab")
    router.register("courses", CourseViewSet, basename="course")
    router.register("runs", RunViewSet, basename="run")
    router.register("sessions", SessionViewSet, basename="session")
    router.register("enrolments", EnrolmentViewSet, basename="enrolment")
    router.register("bookings", BookingViewSet, basename="booking")
    return [
        path("auth/token/", TokenView.as_view(), name="token"),
        path("me/tokens/", MyTokensView.as_view(), name="my-tokens"),
        path("me/tokens/revoke-all/", MyTokensRevokeAllView.as_view(), name="my-tokens-revoke-all"),
        path("me/tokens/<int:pk>/", MyTokenView.as_view(), name="my-token"),
        path("me/enrolments/", MyEnrolmentsView.as_view(), name="my-enrolments"),
        path("me/certificates/", MyCertificatesView.as_view(), name="my-certificates"),
        path("me/badges/", MyBadgesView.as_view(), name="my-badges"),
        path("me/organisations/", MyOrganisationsView.as_view(), name="my-organisations"),
        path("me/bookings/", MyBookingsView.as_view(), name="my-bookings"),
        path("me/calendar/", MyCalendarView.as_view(), name="my-calendar"),
        path("me/calendar/renew/", MyCalendarRenewView.as_view(), name="my-calendar-renew"),
        path("certificates/verify/<str:code>/", CertificateVerifyView.as_view(), name="certificate-verify"),
        *router.urls,
    ]


def __getattr__(name: str):
    # DRF imports this module (for `Pagination`) while DRF itself is still loading, so the API views, which
    # need DRF, are imported only when the URLconf asks for `api_urlpatterns`.
    if name == "api_urlpatterns":
        return _api_urlpatterns()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
