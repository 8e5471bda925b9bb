"""Admin (/cms/) for scheduling: runs with their sessions ("Kurstermine"), and the DigComp competences.

Lab managers see and change only the runs of their labs and can pick only their labs' course offers,
rooms and people; superusers see everything.
"""

from django import forms
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_filters import ChoiceFilter, ModelChoiceFilter
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from labs.models import LabPage, Room
from labs.selectors import labs_managed_by
from labs.wagtail_hooks import LabScopedViewSet

from .models import Attendance, Competence, CourseRun
from .selectors import run_participants
from .staff.selectors import courses_managed_by, runs_managed_by, trainer_candidates


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Only viewing, for everyone: the competences are loaded from the DigComp data, not edited."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)


# Registered before any view asks for a policy, as Wagtail requires.
register_permission_policy(Competence, ReadOnlyPermissionPolicy(Competence))


# Runs


class CourseRunForm(WagtailAdminModelForm):
    """The run form, offering only the person's labs' course offers, rooms and people."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if user is None:
            return
        labs = list(labs_managed_by(user=user))
        lab_titles = {lab.path: lab.title for lab in labs}
        course = self.fields["course"]
        course.widget = forms.Select()
        course.queryset = courses_managed_by(user=user)
        course.label_from_instance = lambda page: (
            f"{page.title} ({lab_titles.get(page.path[: -page.steplen], '')})"
        )
        room = self.fields["room"]
        room.queryset = Room.objects.filter(lab__in=labs).select_related("lab")
        trainers = self.fields["trainers"]
        trainers.widget = forms.CheckboxSelectMultiple()
        current = list(self.instance.trainers.all()) if self.instance.pk else []
        trainers.queryset = trainer_candidates(user=user, keep=current)
        trainers.help_text = _(
            "Zur Auswahl stehen alle, die im Labor eine Rolle haben (siehe „Rollen im Labor“)."
        )

    def clean(self):
        cleaned = super().clean()
        course = cleaned.get("course")
        run = self.instance
        if run.pk:
            taken = run_participants(run=run).count()
            capacity = cleaned.get("capacity")
            if capacity is not None and capacity < taken:
                self.add_error(
                    "capacity",
                    ngettext(
                        "%(n)s Person hat schon einen Platz; weniger Plätze gehen nicht.",
                        "%(n)s Personen haben schon einen Platz; weniger Plätze gehen nicht.",
                        taken,
                    )
                    % {"n": taken},
                )
            if course and course.pk != run.course_id and run.enrolments.exists():
                self.add_error(
                    "course", _("Es gibt schon Anmeldungen; das Kursangebot lässt sich nicht mehr ändern.")
                )
        if course:
            # The run belongs to the lab of its course offer, also when the course offer changes.
            run.lab_id = course.get_parent().pk
        return cleaned

    def is_valid(self):
        valid = super().is_valid()
        if valid and self.instance.pk:
            removed = [
                form.instance.pk for form in self.formsets["sessions"].deleted_forms if form.instance.pk
            ]
            recorded = Attendance.objects.filter(session_id__in=removed).select_related("session")
            if recorded:
                when = _session_start(recorded[0].session.start)
                self.add_error(
                    None,
                    _(
                        "Für den Termin am %(when)s ist schon Anwesenheit erfasst. "
                        "Darum lässt er sich nicht löschen."
                    )
                    % {"when": when},
                )
                return False
        return valid


def _session_start(value) -> str:
    return date_format(timezone.localtime(value), _("j. F Y, H:i \\U\\h\\r"))


def _first_start(run) -> str:
    return _session_start(run.first_start) if run.first_start else ""


class CourseRunFilterSet(WagtailFilterSet):
    lab = ModelChoiceFilter(
        label=gettext_lazy("Labor"),
        queryset=lambda request: labs_managed_by(user=request.user) if request else LabPage.objects.none(),
    )
    status = ChoiceFilter(label=gettext_lazy("Stand"), choices=CourseRun.Status.choices)

    class Meta:
        model = CourseRun
        fields = ["lab", "status"]


class CourseRunIndexView(LabScopedViewSet.IndexView):
    def get_base_queryset(self):
        return runs_managed_by(user=self.request.user)


class CourseRunDeleteView(LabScopedViewSet.DeleteView):
    def delete_refused_reason(self):
        count = self.object.enrolments.count()
        if count:
            return ngettext(
                "Für diesen Kurstermin gibt es schon %(count)s Anmeldung. Darum lässt er sich nicht löschen.",
                "Für diesen Kurstermin gibt es schon %(count)s Anmeldungen. "
                "Darum lässt er sich nicht löschen.",
                count,
            ) % {"count": count}
        return None


class CourseRunViewSet(LabScopedViewSet):
    model = CourseRun
    icon = "date"
    menu_label = gettext_lazy("Kurstermine")
    menu_order = 200
    add_to_admin_menu = True
    index_view_class = CourseRunIndexView
    delete_view_class = CourseRunDeleteView
    list_display = [
        "__str__",
        Column("lab", label=gettext_lazy("Labor"), sort_key="lab__title"),
        Column(
            "first_start", label=gettext_lazy("Erster Termin"), accessor=_first_start, sort_key="first_start"
        ),
        Column("capacity", label=gettext_lazy("Plätze"), sort_key="capacity"),
        Column("seats_taken", label=gettext_lazy("Belegt"), sort_key="seats_taken"),
        Column("waitlist_length", label=gettext_lazy("Warteliste"), sort_key="waitlist_length"),
        "status",
    ]
    filterset_class = CourseRunFilterSet
    search_fields = ["title", "course__title"]
    ordering = ["-first_start"]
    edit_handler = ObjectList(CourseRun.panels, base_form_class=CourseRunForm)


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


@hooks.register("register_admin_viewset")
def register_course_run_viewset():
    return CourseRunViewSet("kurstermine")


@hooks.register("register_admin_viewset")
def register_competence_viewset():
    return CompetenceViewSet("kompetenzen")
