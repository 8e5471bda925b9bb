"""API plumbing shared by every app: pagination, the mapping of domain errors to HTTP, the router."""

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from accounts.exceptions import DomainError


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


def exception_handler(exc, context):
    """Answer domain errors with their status and a message in the person's language."""
    if isinstance(exc, DomainError):
        return Response({"detail": str(exc.message), "code": exc.code}, status=exc.status_code)
    return drf_exception_handler(exc, context)


# Each app's API module appends its routes here (see `api_urlpatterns` below).
api_urlpatterns = []
