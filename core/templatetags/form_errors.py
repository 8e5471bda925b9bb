"""The page title says "Fehler:" first when the page shows a form with errors (as GOV.UK does).

A screen reader reads the title first after a page load, so the person learns at once that the form was not
sent. Every page gets this from base.html, whatever its view calls the form: the tag looks at every form and
formset in the template's context.
"""

from django import template
from django.forms import BaseForm
from django.forms.formsets import BaseFormSet
from django.utils.translation import gettext as _

register = template.Library()


def _has_errors(value) -> bool:
    # type(), not isinstance(): isinstance() would evaluate lazy objects such as the CSRF token.
    kind = type(value)
    if issubclass(kind, BaseForm):
        return value.is_bound and bool(value.errors)
    if issubclass(kind, BaseFormSet):
        return value.is_bound and (bool(value.non_form_errors()) or value.total_error_count() > 0)
    return False


def context_has_form_errors(context) -> bool:
    """Whether any bound form or formset in the context has errors."""
    return any(_has_errors(value) for value in context.flatten().values())


@register.simple_tag(takes_context=True)
def error_title_prefix(context) -> str:
    """ "Fehler: " when a form on the page has errors, else nothing: `<title>{% error_title_prefix %}…`."""
    return _("Fehler:") + " " if context_has_form_errors(context) else ""
