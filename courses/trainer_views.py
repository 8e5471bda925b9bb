from django.http import Http404


def _placeholder(request, *args, **kwargs):
    raise Http404


dashboard_view = _placeholder
run_detail_view = _placeholder
session_attendance_view = _placeholder
run_close_view = _placeholder
