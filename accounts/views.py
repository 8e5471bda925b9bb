from django.http import Http404


def _placeholder(request, *args, **kwargs):
    raise Http404


login_view = _placeholder
logout_view = _placeholder
signup_view = _placeholder
password_reset_view = _placeholder
password_reset_done_view = _placeholder
password_reset_confirm_view = _placeholder
password_reset_complete_view = _placeholder
