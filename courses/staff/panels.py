"""The CMS dashboard's panel for lab managers: the way to their overview (/team/), how many things need
doing there, and the reports (/berichte/)."""

from django.urls import reverse
from django.utils import timezone
from laces.components import Component

from .selectors import needs_action_count

REPORTS_PATH = "/berichte/"


class CockpitPanel(Component):
    name = "cockpit"
    order = 50
    template_name = "courses/staff/cockpit_panel.html"

    def __init__(self, *, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        return {
            "cockpit_url": reverse("staff:cockpit"),
            "needs_action_url": reverse("staff:needs_action"),
            "week_url": reverse("staff:week"),
            "audit_url": reverse("staff:audit_log"),
            "reports_url": REPORTS_PATH,
            "needs_action": needs_action_count(user=self.user, now=timezone.now()),
        }
