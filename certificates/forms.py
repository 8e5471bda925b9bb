"""The CMS form of a certificate template: courses grouped by their lab; a person chooses only the courses and
labs whose pages they may edit (the default only if they may edit every lab's); publishing is refused while
another published template already covers the same course, lab or the default."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminModelForm

from courses.models import CoursePage
from labs.models import LabPage

from .selectors import template_choices_out_of_reach, template_conflicts


class CertificateTemplateForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Templates are chosen for the German pages, which certificates and runs point to.
        german = {"locale__language_code": settings.LANGUAGE_CODE}
        labs = list(LabPage.objects.filter(**german).order_by("title").only("pk", "title", "path"))
        if "labs" in self.fields:
            self.fields["labs"].queryset = LabPage.objects.filter(**german)
            self.fields["labs"].widget = forms.CheckboxSelectMultiple()
            self.fields["labs"].choices = [(lab.pk, lab.title) for lab in labs]
        if "courses" in self.fields:
            self.fields["courses"].queryset = CoursePage.objects.filter(**german)
            self.fields["courses"].widget = forms.CheckboxSelectMultiple()
            self.fields["courses"].choices = _courses_by_lab(labs)

    def clean(self):
        cleaned_data = super().clean()
        choices = {
            "is_default": bool(cleaned_data.get("is_default")),
            "course_ids": [course.pk for course in cleaned_data.get("courses") or ()],
            "lab_ids": [lab.pk for lab in cleaned_data.get("labs") or ()],
        }
        if self.for_user is not None:
            self._refuse_out_of_reach(choices)
        if self._publishing():
            self._refuse_conflicts(choices)
        return cleaned_data

    def _publishing(self) -> bool:
        # Drafts may overlap with what is published; only the published templates decide a certificate.
        return bool(self.data.get("action-publish"))

    def _refuse_out_of_reach(self, choices: dict) -> None:
        out_of_reach = template_choices_out_of_reach(user=self.for_user, **choices)
        if out_of_reach.default:
            self.add_error(
                "is_default",
                _(
                    "Die Standardvorlage gilt für alle Labore. Nur wer die Seiten aller Labore bearbeiten "
                    "darf, kann sie wählen oder ändern."
                ),
            )
        for course in out_of_reach.courses:
            self.add_error(
                "courses",
                _("Den Kurs „%(course)s“ dürfen Sie nicht bearbeiten. Wählen Sie ihn hier ab.")
                % {"course": course},
            )
        for lab in out_of_reach.labs:
            self.add_error(
                "labs",
                _("Das Labor „%(lab)s“ dürfen Sie nicht bearbeiten. Wählen Sie es hier ab.") % {"lab": lab},
            )

    def _refuse_conflicts(self, choices: dict) -> None:
        conflicts = template_conflicts(template_id=self.instance.pk, **choices)
        if conflicts.default:
            self.add_error(
                "is_default",
                _(
                    "„%(template)s“ ist schon die veröffentlichte Standardvorlage. Es gibt nur eine: "
                    "Nehmen Sie hier oder dort den Haken heraus."
                )
                % {"template": conflicts.default},
            )
        for course, template in conflicts.courses:
            self.add_error(
                "courses",
                _(
                    "Für den Kurs „%(course)s“ gilt schon die veröffentlichte Vorlage „%(template)s“. "
                    "Wählen Sie den Kurs hier oder dort ab."
                )
                % {"course": course, "template": template},
            )
        for lab, template in conflicts.labs:
            self.add_error(
                "labs",
                _(
                    "Für das Labor „%(lab)s“ gilt schon die veröffentlichte Vorlage „%(template)s“. "
                    "Wählen Sie das Labor hier oder dort ab."
                )
                % {"lab": lab, "template": template},
            )


def _courses_by_lab(labs: list[LabPage]) -> list:
    """The courses as checkbox groups under their lab's title (a course is a page below its lab)."""
    groups: dict[str, list] = {lab.path: [] for lab in labs}
    courses = CoursePage.objects.filter(locale__language_code=settings.LANGUAGE_CODE)
    for course in courses.order_by("title").only("pk", "title", "path"):
        lab_path = course.path[: -CoursePage.steplen]
        if lab_path in groups:
            groups[lab_path].append((course.pk, course.title))
    return [(lab.title, groups[lab.path]) for lab in labs if groups[lab.path]]
