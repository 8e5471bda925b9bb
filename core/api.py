"""What every app's API shares below the router: the error body for answers outside DRF's views."""

from django.http import HttpRequest, JsonResponse

API_PREFIX = "/api/"


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def api_error_response(*, status: int, code: str, detail: str) -> JsonResponse:
    """An error in the API's one shape (`config.api_errors`), for answers that DRF does not give: an unknown
    address under /api/, a crash before a view runs."""
    return JsonResponse({"code": code, "detail": str(detail), "errors": []}, status=status)
