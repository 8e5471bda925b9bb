from django.http import Http404


def _placeholder(request, *args, **kwargs):
    raise Http404


issuer_view = _placeholder
badge_class_view = _placeholder
badge_class_image_view = _placeholder
assertion_view = _placeholder
assertion_image_view = _placeholder
