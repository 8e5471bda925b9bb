from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Kurse")

    def ready(self):
        from labs.models import LabPage
        from labs.permissions import register_manager_permissions
        from outbox.registry import register

        from . import notifications

        # Course offers are the only pages under a lab (CoursePage.parent_page_types names the lab).
        LabPage.allow_subpage_type("courses.CoursePage")
        # Lab managers schedule runs and look up competences in the admin.
        register_manager_permissions(
            "courses.add_courserun",
            "courses.change_courserun",
            "courses.delete_courserun",
            "courses.view_courserun",
            "courses.view_competence",
        )
        # Mails that must not be lost are recorded in the outbox with their cause and delivered by these.
        for kind, handler in notifications.HANDLERS.items():
            register(kind, handler)
        # What this app holds about a person: in their export, erased with their account.
        from . import privacy

        privacy.register()
