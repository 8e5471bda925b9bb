"""Read queries of the site itself."""

from wagtail.models import Site

from .models import SiteSettings


def site_organisation_name() -> str:
    """The organisation that runs the site (the district), from the default site's settings."""
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return ""
    return SiteSettings.for_site(site).organisation
