from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from wagtail.permission_policies.pages import PagePermissionPolicy

from courses.models import BadgeAssertion, CoursePage, CourseRun, Enrolment
from labs.models import LabPage
from labs.selectors import lab_ids_managed_by
from outbox.selectors import SWEEP_BATCH

from .codes import CODE_ALPHABET, normalise_code
from .models import Certificate, CertificateFile, CertificateTemplate


def certificates_for_user(*, user) -> QuerySet[Certificate]:
    """A person's certificates, newest first; one replaced by a corrected one is left out."""
    return (
        Certificate.objects.filter(enrolment__user=user, replaced_by__isnull=True)
        .select_related("enrolment__run")
        .order_by("-issued_at")
    )


def certificate_template_for_run(*, run: CourseRun) -> CertificateTemplate | None:
    """The published design for the run's course: the one chosen for the course, else for its lab, else
    the default; the most recently changed one where several match."""
    live = CertificateTemplate.objects.filter(live=True)
    for matching in (
        live.filter(courses=run.course_id),
        live.filter(labs=run.lab_id),
        live.filter(is_default=True),
    ):
        template = matching.order_by("-updated_at", "-pk").first()
        if template is not None:
            return template
    return None


def certificate_by_code(*, code: str) -> Certificate | None:
    """The certificate with this code (case and separators ignored), or None."""
    normalised = normalise_code(code)
    if normalised is None:
        return None
    return (
        Certificate.objects.select_related("enrolment__run__lab", "replaced_by")
        .prefetch_related("files")
        .filter(code=normalised)
        .first()
    )


def badge_for_certificate(*, certificate: Certificate) -> BadgeAssertion | None:
    """The badge awarded for the same completed enrolment, unless it was revoked."""
    return (
        BadgeAssertion.objects.select_related("badge_class")
        .filter(enrolment_id=certificate.enrolment_id, revoked=False)
        .first()
    )


def enrolments_owed_a_certificate() -> QuerySet[Enrolment]:
    """Completed enrolments without a certificate, or whose valid certificate has no PDF in the holder's
    language yet (nothing for one the lab revoked)."""
    any_certificate = Certificate.objects.filter(enrolment=OuterRef("pk"))
    without_file = any_certificate.filter(status=Certificate.Status.VALID).exclude(
        Exists(CertificateFile.objects.filter(certificate=OuterRef("pk"), language=OuterRef("language")))
    )
    return Enrolment.objects.filter(status=Enrolment.Status.COMPLETED).filter(
        ~Exists(any_certificate) | Exists(without_file)
    )


def enrolment_ids_owed_a_certificate(*, completed_before: datetime) -> list[int]:
    """Those completed before the given moment, oldest first: fresh ones are still with their first task."""
    return list(
        enrolments_owed_a_certificate()
        .filter(Q(completed_at__lte=completed_before) | Q(completed_at__isnull=True))
        .order_by("completed_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )


def certificates_owed_count() -> int:
    """How many certificates are still owed, for the admin."""
    return enrolments_owed_a_certificate().count()


def certificates_for_run(*, run: CourseRun) -> dict[int, Certificate]:
    """The current certificate of each enrolment of a run (the valid one, else the latest), with its files,
    by enrolment id: for the trainer's closing page and the lab's participant list (two queries)."""
    certificates = (
        Certificate.objects.filter(enrolment__run=run, replaced_by__isnull=True)
        .prefetch_related("files")
        .order_by("enrolment_id", "-issued_at")
    )
    current: dict[int, Certificate] = {}
    for certificate in certificates:
        current.setdefault(certificate.enrolment_id, certificate)
    return current


# Lab managers' pages (/team/zertifikate/) and the public verification


def user_manages_certificates(*, user) -> bool:
    """Superusers and managers of at least one lab look after certificates; trainers do not."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or lab_ids_managed_by(user=user).exists()


def certificates_managed_by(*, user, query: str = "") -> QuerySet[Certificate]:
    """The certificates of the labs a person manages (superusers: all), newest first, found by a part of
    the code (as printed or typed) or of the holder's name, with what the list shows in the same query."""
    certificates = Certificate.objects.select_related("replaced_by").order_by("-issued_at", "-pk")
    if not user.is_superuser:
        certificates = certificates.filter(enrolment__run__lab_id__in=lab_ids_managed_by(user=user))
    query = " ".join((query or "").split())[:100]
    if query:
        match = Q(participant_name__icontains=query)
        code_part = "".join(ch for ch in query.upper() if ch not in " -–_.")
        if len(code_part) >= 4 and all(ch in CODE_ALPHABET for ch in code_part):
            match |= Q(code__contains=code_part)
        certificates = certificates.filter(match)
    return certificates


def certificate_managed_by(*, user, code: str) -> Certificate | None:
    """One certificate of the labs the person manages, with its enrolment, run, files and the certificates
    it replaces and is replaced by; None for any other code."""
    normalised = normalise_code(code)
    if normalised is None:
        return None
    return (
        certificates_managed_by(user=user)
        .select_related(
            "enrolment__user", "enrolment__run__course", "enrolment__run__lab", "replaces", "revoked_by"
        )
        .prefetch_related("files")
        .filter(code=normalised)
        .first()
    )


def certificate_history(*, certificate: Certificate) -> list[Certificate]:
    """Every certificate issued for the same enrolment, oldest first: the chain of corrections."""
    return list(
        Certificate.objects.filter(enrolment_id=certificate.enrolment_id)
        .select_related("replaced_by")
        .order_by("issued_at", "pk")
    )


def certificate_competences(*, certificate: Certificate, language: str) -> list[dict]:
    """The competences as they were at issue, `{code, name}`, named in the language where it has a name."""
    return [
        {
            "code": c.get("code", ""),
            "name": (c.get("name_en") if language == "en" else None) or c.get("name", ""),
        }
        for c in certificate.competences
    ]


# Certificate templates in the CMS


@dataclass(frozen=True)
class TemplateConflicts:
    """What another published template already covers: its name for the default, and (course or lab,
    template) pairs. Empty when publishing would leave every course with one design."""

    default: str = ""
    courses: tuple[tuple[str, str], ...] = ()
    labs: tuple[tuple[str, str], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.default or self.courses or self.labs)


def template_conflicts(
    *, template_id: int | None, is_default: bool, course_ids: Iterable[int], lab_ids: Iterable[int]
) -> TemplateConflicts:
    """Which of these choices another published template holds already: a course or a lab has one
    published template, and there is one published default (three queries)."""
    others = CertificateTemplate.objects.filter(live=True).exclude(pk=template_id)
    default = ""
    if is_default:
        default = others.filter(is_default=True).order_by("name").values_list("name", flat=True).first() or ""
    courses = others.filter(courses__in=list(course_ids)).order_by("courses__title", "name")
    labs = others.filter(labs__in=list(lab_ids)).order_by("labs__title", "name")
    return TemplateConflicts(
        default=default,
        courses=tuple(courses.values_list("courses__title", "name")),
        labs=tuple(labs.values_list("labs__title", "name")),
    )


@dataclass(frozen=True)
class TemplateChoicesOutOfReach:
    """What a person chose for a template but may not decide: the default (only who may edit every lab's
    pages) and the titles of courses and labs whose pages they may not edit."""

    default: bool = False
    courses: tuple[str, ...] = ()
    labs: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.default or self.courses or self.labs)


def template_choices_out_of_reach(
    *, user, is_default: bool, course_ids: Iterable[int], lab_ids: Iterable[int]
) -> TemplateChoicesOutOfReach:
    """A template decides how certificates of its courses and labs look, so choosing them takes the right
    to edit their pages: a lab's managers design for their own lab; the site's editors for all, and the
    default. Superusers may do everything."""
    if user.is_superuser:
        return TemplateChoicesOutOfReach()
    editable = PagePermissionPolicy().instances_user_has_permission_for(user, "change").values("pk")
    # The German pages, which certificates point to; their English counterparts have their own permissions.
    german_labs = LabPage.objects.filter(locale__language_code=settings.LANGUAGE_CODE)
    courses = CoursePage.objects.filter(pk__in=list(course_ids)).exclude(pk__in=editable).order_by("title")
    labs = LabPage.objects.filter(pk__in=list(lab_ids)).exclude(pk__in=editable).order_by("title")
    return TemplateChoicesOutOfReach(
        default=is_default and german_labs.exclude(pk__in=editable).exists(),
        courses=tuple(courses.values_list("title", flat=True)),
        labs=tuple(labs.values_list("title", flat=True)),
    )
