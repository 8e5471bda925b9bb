"""What the page's head tells search engines and link previews: `{% seo_meta as meta %}` and
`{% structured_data %}` (see templates/includes/head_meta.html)."""

from django import template
from wagtail.models import Page

from cms.models import SiteSettings
from cms.seo import course_json_ld, json_ld_script, lab_json_ld, page_meta
from courses.models import CoursePage
from courses.templatetags.courses_tags import course_runs_for_request, lab_runs_for_request
from labs.models import LabPage

register = template.Library()


def _page_and_request(context):
    page, request = context.get("page"), context.get("request")
    # Views of our own may name other things "page" (a page of a list); only CMS pages have meta here.
    if not isinstance(page, Page) or request is None:
        return None, None
    return page, request


@register.simple_tag(takes_context=True)
def seo_meta(context) -> dict | None:
    """Title, description, canonical URL, type, locale and image of the CMS page in view, or None."""
    page, request = _page_and_request(context)
    if page is None:
        return None
    return page_meta(page=page, request=request)


@register.simple_tag(takes_context=True)
def structured_data(context) -> str:
    """schema.org JSON-LD for a course or lab page; nothing for other pages."""
    page, request = _page_and_request(context)
    if page is None:
        return ""
    organisation = SiteSettings.for_request(request).organisation
    if isinstance(page, CoursePage):
        runs = course_runs_for_request(request, page)
        data = course_json_ld(course=page, runs=runs, organisation=organisation, request=request)
    elif isinstance(page, LabPage):
        runs = lab_runs_for_request(request, page)
        data = lab_json_ld(lab=page, runs=runs, organisation=organisation, request=request)
    else:
        return ""
    # django-csp makes the nonce on first use (a lazy object that is falsy until then): str() makes it.
    nonce = getattr(request, "csp_nonce", None)
    return json_ld_script(data, nonce=str(nonce) if nonce is not None else "")
