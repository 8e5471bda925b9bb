from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Webseite")

    def ready(self):
        from certificates.issuer import register_issuer_name
        from labs.models import LabPage

        from .selectors import site_organisation_name
        from .translations import receivers_connect

        # Certificates print the district's name from the site settings kept here.
        register_issuer_name(site_organisation_name)

        # Labs stand only in the lab index (LabIndexPage.subpage_types names the lab).
        LabPage.allow_parent_page_type("cms.LabIndexPage")

        # Every German page has its English counterpart, whichever way the page comes in.
        receivers_connect()
