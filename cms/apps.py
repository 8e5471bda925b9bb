from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Webseite")

    def ready(self):
        from labs.models import LabPage

        # Labs stand only in the lab index (LabIndexPage.subpage_types names the lab).
        LabPage.allow_parent_page_type("cms.LabIndexPage")
