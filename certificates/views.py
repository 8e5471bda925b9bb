from django.http import Http404


def _placeholder(request, *args, **kwargs):
    raise Http404


verify_form_view = _placeholder
verify_view = _placeholder
certificate_pdf_view = _placeholder
