"""Admin (/cms/) for what a lab manager looks after at their labs: rooms, people's roles and businesses'
workshop requests.

Lab managers (LabRole "manager") see and change only the rooms and roles of their own labs;
superusers see all. Roles are given, changed and removed through labs/services.py, so that a
person's lab groups follow their roles; the permissions that open these menus are in labs/permissions.py.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_filters import ChoiceFilter, ModelChoiceFilter
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from accounts.models import User

from .exceptions import DomainError
from .models import LabPage, LabRole, Room, WorkshopRequest
from .selectors import labs_managed_by, workshop_requests_for
from .services import lab_role_change, lab_role_grant, lab_role_revoke, workshop_request_update


def managed_labs_for_request(request):
    return labs_managed_by(user=request.user) if request else LabPage.objects.none()


def scoped_to_managed_labs(queryset, user, lab_field: str = "lab"):
    """Narrow a queryset to the objects of the labs the person manages (superusers: everything)."""
    if user.is_superuser:
        return queryset
    return queryset.filter(**{f"{lab_field}__in": labs_managed_by(user=user)})


class LabScopedIndexMixin:
    """An admin listing of only the objects of the labs the person manages."""

    lab_field = "lab"

    def get_base_queryset(self):
        return scoped_to_managed_labs(super().get_base_queryset(), self.request.user, self.lab_field)


class LabScopedObjectMixin:
    """An admin view of one object that finds only objects of the labs the person manages; the others
    are "not found", whatever id is put into the address."""

    lab_field = "lab"

    def scoped_queryset(self):
        return scoped_to_managed_labs(self.model._default_manager.all(), self.request.user, self.lab_field)

    def get_queryset(self):  # EditView, DeleteView
        return self.scoped_queryset()

    def get_base_object_queryset(self):  # HistoryView, UsageView
        return self.scoped_queryset()


class RefusedDeleteMixin:
    """A delete view that says clearly why something cannot be deleted instead of failing.

    Subclasses name the reason in `delete_refused_reason`; PROTECT foreign keys found only while
    deleting end in the same message.
    """

    protected_message = gettext_lazy(
        "Das lässt sich nicht löschen, weil noch andere Einträge darauf verweisen."
    )

    def delete_refused_reason(self) -> str | None:
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["delete_refused"] = self.delete_refused_reason()
        return context

    def form_valid(self, form):
        reason = self.delete_refused_reason()
        if reason is None:
            try:
                return super().form_valid(form)
            except ProtectedError:
                reason = str(self.protected_message)
        messages.error(self.request, reason)
        return redirect(self.get_success_url())


class LabChoiceFormMixin:
    """Offers only the labs the person manages in the form's `lab` field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None and "lab" in self.fields:
            self.fields["lab"].queryset = labs_managed_by(user=self.for_user)


class LabScopedViewSet(ModelViewSet):
    """A ModelViewSet whose every view is limited to the labs the person manages."""

    copy_view_enabled = False
    inspect_view_enabled = False
    delete_template_name = "wagtailadmin/lab_admin/confirm_delete.html"
    search_backend_name = None

    class IndexView(LabScopedIndexMixin, generic.IndexView):
        pass

    class EditView(LabScopedObjectMixin, generic.EditView):
        pass

    class DeleteView(LabScopedObjectMixin, RefusedDeleteMixin, generic.DeleteView):
        pass

    class HistoryView(LabScopedObjectMixin, history.HistoryView):
        pass

    class UsageView(LabScopedObjectMixin, usage.UsageView):
        pass

    index_view_class = IndexView
    edit_view_class = EditView
    delete_view_class = DeleteView
    history_view_class = HistoryView
    usage_view_class = UsageView


# Rooms


class RoomForm(LabChoiceFormMixin, WagtailAdminModelForm):
    pass


class RoomDeleteView(LabScopedViewSet.DeleteView):
    def delete_refused_reason(self):
        count = self.object.runs.count()
        if count:
            return ngettext(
                "Der Raum „%(room)s“ ist für %(count)s Kurstermin eingetragen. "
                "Darum lässt er sich nicht löschen.",
                "Der Raum „%(room)s“ ist für %(count)s Kurstermine eingetragen. "
                "Darum lässt er sich nicht löschen.",
                count,
            ) % {"room": self.object.name, "count": count}
        return None


class RoomFilterSet(WagtailFilterSet):
    lab = ModelChoiceFilter(label=gettext_lazy("Labor"), queryset=managed_labs_for_request)

    class Meta:
        model = Room
        fields = ["lab"]


class RoomViewSet(LabScopedViewSet):
    model = Room
    icon = "home"
    menu_label = gettext_lazy("Räume")
    menu_order = 210
    add_to_admin_menu = True
    delete_view_class = RoomDeleteView
    list_display = ["name", "lab", "capacity", BooleanColumn("step_free", label=gettext_lazy("stufenlos"))]
    filterset_class = RoomFilterSet
    search_fields = ["name", "equipment"]
    ordering = ["lab__title", "name"]
    edit_handler = ObjectList(
        [
            FieldPanel("lab"),
            FieldPanel("name"),
            FieldRowPanel([FieldPanel("capacity"), FieldPanel("step_free")]),
            FieldPanel("equipment"),
        ],
        base_form_class=RoomForm,
    )


# Roles at a lab


class LabRoleForm(LabChoiceFormMixin, WagtailAdminModelForm):
    """Names the person by e-mail address, so the form does not list everyone who has an account."""

    email = forms.EmailField(
        label=gettext_lazy("E-Mail-Adresse der Person"),
        help_text=gettext_lazy("Die Person muss sich vorher selbst ein Konto angelegt haben."),
    )

    class Meta:
        model = LabRole
        fields = ["email", "lab", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.user_id:
            self.fields["email"].initial = self.instance.user.email

    def clean_email(self):
        email = self.cleaned_data["email"]
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("Unter dieser Adresse gibt es kein Konto."))
        self.instance.user = user
        return email

    def clean(self):
        cleaned = super().clean()
        lab, role = cleaned.get("lab"), cleaned.get("role")
        if lab and role and self.instance.user_id:
            duplicate = LabRole.objects.filter(lab=lab, role=role, user_id=self.instance.user_id)
            if duplicate.exclude(pk=self.instance.pk).exists():
                raise forms.ValidationError(_("Diese Person hat diese Rolle in diesem Labor schon."))
        return cleaned


class LabRoleFilterSet(WagtailFilterSet):
    lab = ModelChoiceFilter(label=gettext_lazy("Labor"), queryset=managed_labs_for_request)
    role = ChoiceFilter(label=gettext_lazy("Rolle"), choices=LabRole.Role.choices)

    class Meta:
        model = LabRole
        fields = ["lab", "role"]


class LabRoleIndexView(LabScopedViewSet.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("user", "lab")


class SavedByServiceMixin:
    """A create or edit view that saves through a service instead of saving the model itself.

    The service opens its own transaction, so the view opens none around it; a refusal (a domain
    error, or a model's validation inside the service) shows on the form, next to the field it names
    where the form has that field, and changes nothing. The change goes into the object's history
    here, unless the service records it itself (`service_logs = True`).
    """

    service_logs = False

    def save_by_service(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        self.form = form
        try:
            self.object = self.save_by_service(form)
        except DomainError as error:
            form.add_error(None, error.message)
            self.produced_error_code, self.produced_error_message = error.code, error.message
            return self.form_invalid(form)
        except ValidationError as error:
            for field, messages_ in error.update_error_dict({}).items():
                form.add_error(field if field in form.fields else None, messages_)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)
        if not self.service_logs:
            log(
                instance=self.object,
                action="wagtail.create" if isinstance(self, generic.CreateView) else "wagtail.edit",
                user=self.request.user,
            )
        response = self.save_action()
        return self.run_after_hook() or response


class LabRoleCreateView(SavedByServiceMixin, generic.CreateView):
    service_logs = True  # the role services record every change, from any way in

    def save_by_service(self, form):
        return lab_role_grant(
            lab=form.cleaned_data["lab"],
            user=form.instance.user,
            role=form.cleaned_data["role"],
            by=self.request.user,
        )


class LabRoleEditView(SavedByServiceMixin, LabScopedViewSet.EditView):
    service_logs = True

    def save_by_service(self, form):
        return lab_role_change(
            lab_role=form.instance,
            lab=form.cleaned_data["lab"],
            user=form.instance.user,
            role=form.cleaned_data["role"],
            by=self.request.user,
        )


class LabRoleDeleteView(LabScopedViewSet.DeleteView):
    def delete_action(self):
        lab_role_revoke(lab_role=self.object, by=self.request.user)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except DomainError as error:
            messages.error(self.request, error.message)
            return redirect(self.get_success_url())


class LabRoleViewSet(LabScopedViewSet):
    model = LabRole
    icon = "group"
    menu_label = gettext_lazy("Rollen im Labor")
    menu_order = 220
    add_to_admin_menu = True
    index_view_class = LabRoleIndexView
    add_view_class = LabRoleCreateView
    edit_view_class = LabRoleEditView
    delete_view_class = LabRoleDeleteView
    list_display = [
        "user",
        Column("email", label=gettext_lazy("E-Mail"), accessor="user.email"),
        "lab",
        "role",
    ]
    filterset_class = LabRoleFilterSet
    search_fields = ["user__full_name", "user__email"]
    ordering = ["lab__title", "user__full_name"]
    edit_handler = ObjectList(
        [FieldPanel("email"), FieldPanel("lab"), FieldPanel("role")], base_form_class=LabRoleForm
    )


@hooks.register("register_admin_viewset")
def register_room_viewset():
    return RoomViewSet("raeume")


@hooks.register("register_admin_viewset")
def register_lab_role_viewset():
    return LabRoleViewSet("rollen")


# Workshop requests from businesses


class WorkshopRequestPermissionPolicy(ModelPermissionPolicy):
    """Requests come in only through the public form (labs.views): nobody adds one in the admin."""

    def user_has_permission(self, user, action):
        return action != "add" and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([action for action in actions if action != "add"])


register_permission_policy(WorkshopRequest, WorkshopRequestPermissionPolicy(WorkshopRequest))


class WorkshopRequestScopedMixin:
    """Only the requests the person looks after (labs.selectors.workshop_requests_for); any other id in the
    address is "not found"."""

    def scoped_queryset(self):
        return workshop_requests_for(user=self.request.user)

    def get_base_queryset(self):  # IndexView
        return self.scoped_queryset()

    def get_queryset(self):  # EditView, DeleteView
        return self.scoped_queryset()

    def get_base_object_queryset(self):  # HistoryView, UsageView
        return self.scoped_queryset()


class WorkshopRequestAdminForm(LabChoiceFormMixin, WagtailAdminModelForm):
    """Staff move a request on and hand it to one of their labs, or back to all labs (no lab)."""

    class Meta:
        model = WorkshopRequest
        fields = ["status", "lab"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lab"].empty_label = _("kein Labor – offen für alle Labore")
        self.fields["lab"].help_text = _(
            "Tragen Sie Ihr Labor ein, wenn Sie die Anfrage übernehmen. Das Labor bekommt sie per E-Mail."
        )


class WorkshopRequestFilterSet(WagtailFilterSet):
    status = ChoiceFilter(label=gettext_lazy("Stand"), choices=WorkshopRequest.Status.choices)
    lab = ModelChoiceFilter(
        label=gettext_lazy("Labor"),
        queryset=managed_labs_for_request,
        null_label=gettext_lazy("kein Labor (offen für alle)"),
    )

    class Meta:
        model = WorkshopRequest
        fields = ["status", "lab"]


class WorkshopRequestIndexView(WorkshopRequestScopedMixin, generic.IndexView):
    pass


class WorkshopRequestEditView(SavedByServiceMixin, WorkshopRequestScopedMixin, generic.EditView):
    def save_by_service(self, form):
        return workshop_request_update(
            workshop_request=form.instance,
            status=form.cleaned_data["status"],
            lab=form.cleaned_data["lab"],
            by=self.request.user,
        )


class WorkshopRequestDeleteView(WorkshopRequestScopedMixin, generic.DeleteView):
    pass


class WorkshopRequestHistoryView(WorkshopRequestScopedMixin, history.HistoryView):
    pass


class WorkshopRequestUsageView(WorkshopRequestScopedMixin, usage.UsageView):
    pass


def _lab_or_open(workshop_request: WorkshopRequest) -> str:
    return workshop_request.lab.title if workshop_request.lab else _("offen für alle Labore")


def _read_only(*names: str) -> list[FieldPanel]:
    return [FieldPanel(name, read_only=True) for name in names]


class WorkshopRequestViewSet(ModelViewSet):
    """Businesses' requests for an in-house workshop: a lab's managers see their labs' requests and the
    open ones (no lab), move them on and take them over; superusers see all and may delete one (a business
    asking for its data to go)."""

    model = WorkshopRequest
    icon = "mail"
    menu_label = gettext_lazy("Workshop-Anfragen")
    menu_order = 230
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = False
    search_backend_name = None
    index_view_class = WorkshopRequestIndexView
    edit_view_class = WorkshopRequestEditView
    delete_view_class = WorkshopRequestDeleteView
    history_view_class = WorkshopRequestHistoryView
    usage_view_class = WorkshopRequestUsageView
    list_display = [
        "company",
        "topic",
        Column("staff_count", label=gettext_lazy("Mitarbeitende"), accessor="staff_count"),
        Column("lab", label=gettext_lazy("Labor"), accessor=_lab_or_open),
        DateColumn("created_at", label=gettext_lazy("eingegangen am")),
        Column("status", label=gettext_lazy("Stand"), accessor="get_status_display"),
    ]
    filterset_class = WorkshopRequestFilterSet
    search_fields = ["company", "contact_name", "email", "topic"]
    ordering = ["-created_at", "-pk"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("status"), FieldPanel("lab")], heading=gettext_lazy("Bearbeitung")),
            MultiFieldPanel(
                _read_only("company", "contact_name", "email", "phone"), heading=gettext_lazy("Betrieb")
            ),
            MultiFieldPanel(
                _read_only(
                    "topic", "staff_count", "preferred_dates", "message", "created_at", "consented_at"
                ),
                heading=gettext_lazy("Anfrage"),
            ),
        ],
        base_form_class=WorkshopRequestAdminForm,
    )


@hooks.register("register_admin_viewset")
def register_workshop_request_viewset():
    return WorkshopRequestViewSet("workshop_anfragen")
