"""API plumbing shared by every app: pagination, the schema's scope, the router (errors: `api_errors`)."""

import functools

from django.urls import path
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.routers import DefaultRouter


class Pagination(PageNumberPagination):
    """`page` from 1 and `page_size` from 1 to 100; anything else is a 400 that names the parameter, a page
    past the last a 404. The schema states both ranges."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    invalid_page_message = _("Diese Seite gibt es nicht: Die Liste hat weniger Seiten.")

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param, "")
        if raw == "":
            return self.page_size
        size = _whole_number(raw)
        if size is None or not 1 <= size <= self.max_page_size:
            raise exceptions.ValidationError(
                {
                    self.page_size_query_param: [
                        _("Bitte geben Sie eine ganze Zahl von 1 bis %(max)d an.")
                        % {"max": self.max_page_size}
                    ]
                }
            )
        return size

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param, "")
        if raw not in ("", *self.last_page_strings):
            number = _whole_number(raw)
            if number is None or number < 1:
                raise exceptions.ValidationError(
                    {self.page_query_param: [_("Bitte geben Sie eine Seitenzahl ab 1 an.")]}
                )
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
        return parameters


def _whole_number(raw: str) -> int | None:
    try:
        return int(raw, 10)
    except ValueError:
        return None


def schema_api_paths_only(endpoints, **kwargs):
    """drf-spectacular preprocessing hook: describe this site's API, not the CMS's internal one."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/")]


@functools.cache
def _api_urlpatterns() -> list:
    """One router for the resources, plus the paths that are not resources of their own."""
    from accounts.api import MyTokensRevokeAllView, MyTokensView, MyTokenView, TokenView
    from accounts.privacy.api import MyEraseView, MyExportView
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
    from reports.api import ReportView

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
        path("me/export/", MyExportView.as_view(), name="my-export"),
        path("me/erase/", MyEraseView.as_view(), name="my-erase"),
        path("certificates/verify/<str:code>/", CertificateVerifyView.as_view(), name="certificate-verify"),
        path("reports/", ReportView.as_view(), name="reports"),
        *router.urls,
    ]


def __getattr__(name: str):
    # DRF imports this module (for `Pagination`) while DRF itself is still loading, so the API views, which
    # need DRF, are imported only when the URLconf asks for `api_urlpatterns`.
    if name == "api_urlpatterns":
        return _api_urlpatterns()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
