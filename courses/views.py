from django.http import Http404


def _placeholder(request, *args, **kwargs):
    raise Http404


enrol_view = _placeholder
my_courses_view = _placeholder
enrolment_cancel_view = _placeholder
