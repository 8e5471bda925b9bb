"""Admin (/cms/) for scheduling: runs with their sessions ("Kurstermine", in courses/staff/viewsets.py),
and the DigComp competences.

Lab managers see and change only the runs of their labs and can pick only their labs' course offers,
rooms and people; superusers see everything.
"""

from django.utils.translation import gettext_lazy
from django_filters import ChoiceFilter
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from labs.selectors import lab_ids_managed_by

from .models import Competence, SearchSynonym
from .staff.panels import CockpitPanel
from .staff.viewsets import CourseRunViewSet


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Only viewing, for everyone: the competences are loaded from the DigComp data, not edited."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)


# Registered before any view asks for a policy, as Wagtail requires.
register_permission_policy(Competence, ReadOnlyPermissionPolicy(Competence))


# Competences


class CompetenceFilterSet(WagtailFilterSet):
    area_code = ChoiceFilter(label=gettext_lazy("Bereich"), choices=lambda: _competence_areas())

    class Meta:
        model = Competence
        fields = ["area_code"]


def _competence_areas():
    areas = Competence.objects.order_by("area_code").values_list("area_code", "area_name").distinct()
    return [(code, f"{code} {name}") for code, name in areas]


class CompetenceViewSet(ModelViewSet):
    model = Competence
    icon = "list-ul"
    menu_label = gettext_lazy("Kompetenzen")
    menu_order = 230
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields = ["code", "name", "name_en", "area_code", "area_name"]
    form_fields = ["code", "name", "name_en", "area_code", "area_name"]
    list_display = ["__str__", "area_name"]
    filterset_class = CompetenceFilterSet
    search_fields = ["code", "name", "name_en"]
    search_backend_name = None
    ordering = ["code"]
    list_per_page = 50


@hooks.register("construct_homepage_panels")
def add_cockpit_panel(request, panels):
    """Lab managers (and superusers) find their overview, what needs doing and the reports here."""
    user = request.user
    if user.is_superuser or lab_ids_managed_by(user=user).exists():
        panels.append(CockpitPanel(user=user))


@hooks.register("register_admin_viewset")
def register_course_run_viewset():
    return CourseRunViewSet("kurstermine")


@hooks.register("register_admin_viewset")
def register_competence_viewset():
    return CompetenceViewSet("kompetenzen")


# Search words


class SearchSynonymViewSet(ModelViewSet):
    """Everyday words and what they mean in the course offers, kept by the editors."""

    model = SearchSynonym
    icon = "search"
    menu_label = gettext_lazy("Suchwörter")
    menu_order = 240
    add_to_admin_menu = True
    copy_view_enabled = False
    form_fields = ["term", "synonyms"]
    list_display = ["term", "synonyms"]
    search_fields = ["term", "synonyms"]
    search_backend_name = None
    ordering = ["term"]
    list_per_page = 50


@hooks.register("register_admin_viewset")
def register_search_synonym_viewset():
    return SearchSynonymViewSet("suchwoerter")
