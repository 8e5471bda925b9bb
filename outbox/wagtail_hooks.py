"""CMS (/cms/) menu "E-Mail-Texte": editors change the wording of the mails people get, without a deploy.

An editor starts from the mail's default text (the create view asks which mail first and fills the form
with it). Placeholders are checked against the mail's list; dates, places, links and calendar files are
added by the code after the text. The model's Django permissions (add, change, delete and view on
`outbox.MailText`) open the menu: the CMS group "Redaktion" holds them, superusers hold all.
"""

from django import forms
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, SnippetViewSet

from .mail import Mail, mail_choices, mail_get, mails
from .models import TEXT_FIELDS, MailText


class MailTextForm(WagtailAdminModelForm):
    mail = forms.ChoiceField(label=gettext_lazy("E-Mail"), choices=mail_choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # An override belongs to its mail; for another mail, create another override.
            self.fields["mail"].disabled = True
        mail = self._mail()
        if mail is None:
            self.fields["mail"].help_text = _("Wählen Sie, welche E-Mail Sie anders formulieren möchten.")
            return
        placeholders = _(
            "Platzhalter in geschweiften Klammern: %(placeholders)s. "
            "Leer lassen: der mitgelieferte Text gilt."
        ) % {"placeholders": mail.placeholder_help()}
        for name in TEXT_FIELDS:
            self.fields[name].help_text = placeholders
        self.fields["mail"].help_text = _(
            "Termine, Ort, Links und die Kalenderdatei stehen immer unter Ihrem Text; "
            "sie müssen nicht im Text stehen."
        )

    def _mail(self) -> Mail | None:
        key = self.data.get("mail") if self.is_bound and not self.instance.pk else self.instance.mail
        try:
            return mail_get(key)
        except LookupError:
            return None


class MailTextCreateView(CreateView):
    """Asks first which mail to change (`?mail=`), then shows the form filled with that mail's defaults."""

    choose_template_name = "email/admin/mail_text_choose.html"

    @cached_property
    def chosen_mail(self) -> Mail | None:
        try:
            return mail_get(self.request.GET.get("mail", ""))
        except LookupError:
            return None

    def get_template_names(self):
        if self.request.method == "GET" and self.chosen_mail is None:
            return [self.choose_template_name]
        return super().get_template_names()

    def get_initial_form_instance(self):
        mail = self.chosen_mail
        if mail is None or self.request.method != "GET":
            return super().get_initial_form_instance()
        return MailText(
            mail=mail.key,
            subject_de=mail.default_subject("de"),
            body_de=mail.default_body("de"),
            subject_en=mail.default_subject("en"),
            body_en=mail.default_body("en"),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.chosen_mail is None:
            edited = dict(MailText.objects.values_list("mail", "pk"))
            context["mails"] = [
                {
                    "mail": mail,
                    "url": (
                        reverse(self.edit_url_name, args=[edited[mail.key]])
                        if mail.key in edited
                        else f"{self.add_url}?mail={mail.key}"
                    ),
                    "edited": mail.key in edited,
                }
                for mail in mails()
            ]
        return context


class MailTextViewSet(SnippetViewSet):
    model = MailText
    icon = "mail"
    menu_label = gettext_lazy("E-Mail-Texte")
    menu_order = 850
    add_to_admin_menu = True
    copy_view_enabled = False
    add_view_class = MailTextCreateView
    list_display = ["__str__", "updated_at"]
    edit_handler = ObjectList(
        [
            FieldPanel("mail"),
            MultiFieldPanel(
                [FieldPanel("subject_de"), FieldPanel("body_de")], heading=gettext_lazy("Deutsch")
            ),
            MultiFieldPanel(
                [FieldPanel("subject_en"), FieldPanel("body_en")], heading=gettext_lazy("Englisch")
            ),
        ],
        base_form_class=MailTextForm,
    )


register_snippet(MailTextViewSet)
