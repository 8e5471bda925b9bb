"""The admin's "Kurstermine" (/cms/kurstermine/): runs with their sessions, for lab managers.

Lab managers see and change only the runs of their labs and can pick only their labs' course offers,
rooms and people; superusers see everything. Creating and changing a run goes through
`courses.services.run_create` / `run_update`, so the admin keeps the same rules as the API: more seats go to
those waiting, a closed run refuses changes, a session with recorded attendance stays. Each run's row and
edit view lead to its list of people ("Teilnehmerliste", `staff:run_roster`), where the lab handles them.
"""

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_filters import ChoiceFilter, ModelChoiceFilter
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.widgets.button import HeaderButton, ListingButton

from courses import services
from courses.models import CourseRun
from courses.services import SessionChange
from courses.staff.selectors import courses_managed_by, runs_managed_by, trainer_candidates
from labs.models import Room
from labs.selectors import labs_managed_by
from labs.wagtail_hooks import LabScopedViewSet, SavedByServiceMixin, managed_labs_for_request


class CourseRunForm(WagtailAdminModelForm):
    """The run form, offering only the person's labs' course offers, rooms and people."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "minimum_participants" in self.fields:
            self.fields["minimum_participants"].required = False
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

    def clean_minimum_participants(self):
        """Left empty: the run's default minimum, or what it had."""
        value = self.cleaned_data.get("minimum_participants")
        if value is None:
            return self.instance.minimum_participants
        return value


def _first_start(run) -> str:
    if not run.first_start:
        return ""
    return date_format(timezone.localtime(run.first_start), _("j. F Y, H:i \\U\\h\\r"))


def _session_changes(form) -> list[SessionChange]:
    """What the form's "Termine" panel asks: new, changed and removed meetings (unchanged ones are left)."""
    formset = form.formsets["sessions"]
    deleted = set(formset.deleted_forms)
    changes = []
    for session_form in formset.forms:
        pk = session_form.instance.pk
        if session_form in deleted:
            if pk:
                changes.append(SessionChange(id=pk, delete=True))
            continue
        if not session_form.has_changed():
            continue
        data = session_form.cleaned_data
        changes.append(
            SessionChange(id=pk, start=data["start"], end=data["end"], location=data.get("location", ""))
        )
    return changes


RUN_FORM_FIELDS = (
    "course",
    "title",
    "capacity",
    "room",
    "venue_name",
    "venue_address",
    "enrolment_closes_at",
    "seat_release",
    "offer_hours",
    "unnamed_release_hours",
    "minimum_participants",
)


class CourseRunCreateView(SavedByServiceMixin, generic.CreateView):
    def save_by_service(self, form):
        data = form.cleaned_data
        return services.run_create(
            by=self.request.user,
            trainers=data["trainers"],
            sessions=_session_changes(form),
            **{name: data[name] for name in RUN_FORM_FIELDS},
        )


class CourseRunEditView(SavedByServiceMixin, LabScopedViewSet.EditView):
    @cached_property
    def header_buttons(self):
        roster = HeaderButton(
            _("Teilnehmerliste"), url=reverse("staff:run_roster", args=[self.object.pk]), icon_name="group"
        )
        return [*super().header_buttons, roster]

    def save_by_service(self, form):
        data = form.cleaned_data
        return services.run_update(
            run=self.object,
            by=self.request.user,
            trainers=data["trainers"],
            sessions=_session_changes(form),
            **{name: data[name] for name in RUN_FORM_FIELDS},
        )


class CourseRunFilterSet(WagtailFilterSet):
    lab = ModelChoiceFilter(
        label=gettext_lazy("Labor"),
        queryset=managed_labs_for_request,
    )
    status = ChoiceFilter(label=gettext_lazy("Stand"), choices=CourseRun.Status.choices)

    class Meta:
        model = CourseRun
        fields = ["lab", "status"]


class CourseRunIndexView(LabScopedViewSet.IndexView):
    def get_base_queryset(self):
        return runs_managed_by(user=self.request.user)

    def get_list_more_buttons(self, instance):
        roster = ListingButton(
            _("Teilnehmerliste"),
            url=reverse("staff:run_roster", args=[instance.pk]),
            icon_name="group",
            attrs={"aria-label": _("Teilnehmerliste von „%(run)s“") % {"run": instance}},
            priority=5,
        )
        return [roster, *super().get_list_more_buttons(instance)]


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
    add_view_class = CourseRunCreateView
    edit_view_class = CourseRunEditView
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
