from django.http import Http404


def _placeholder(request, *args, **kwargs):
    raise Http404


run_calendar_view = _placeholder
lab_calendar_view = _placeholder
