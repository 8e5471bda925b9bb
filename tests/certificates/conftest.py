import io
from datetime import timedelta

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PillowImage
from PIL import ImageDraw
from wagtail.images import get_image_model

from courses.models import Competence, Enrolment
from tests.factories import CourseRunFactory, EnrolmentFactory, UserFactory, make_course, moment


@pytest.fixture
def finished_run(db):
    """A run of three two-hour sessions that took place in the last weeks, with two DigComp competences."""
    course = make_course(title="Sicher online bezahlen", level=2)
    course.competences.set(Competence.objects.filter(code__in=["2.1", "4.2"]))
    course.save()
    return CourseRunFactory(course=course, sessions=3, starts_in=-timedelta(days=30))


@pytest.fixture
def completed_enrolment(finished_run):
    user = UserFactory(full_name="Hannelore Schmidt", email="hannelore@example.org")
    return EnrolmentFactory(
        run=finished_run, user=user, status=Enrolment.Status.COMPLETED, completed_at=moment()
    )


@pytest.fixture
def certificate(completed_enrolment):
    from certificates.services import certificate_issue

    return certificate_issue(enrolment=completed_enrolment)


def make_picture(title: str, *, size: tuple[int, int], colour: str, transparent: bool = False):
    """A CMS image: a PNG drawn with Pillow, a coloured mark and a bar of "lettering", as a logo or a
    signature (with a transparent background) looks."""
    width, height = size
    picture = PillowImage.new(
        "RGBA" if transparent else "RGB", size, (0, 0, 0, 0) if transparent else "white"
    )
    draw = ImageDraw.Draw(picture)
    if transparent:
        # A signature: one flowing stroke.
        points = [
            (x, height * (0.55 + 0.25 * ((x // 25) % 2 * 2 - 1) * (x / width))) for x in range(10, width, 25)
        ]
        draw.line(points, fill=colour, width=max(3, height // 25), joint="curve")
    else:
        draw.ellipse((height * 0.1, height * 0.1, height * 0.9, height * 0.9), fill=colour)
        draw.rectangle((height * 1.1, height * 0.3, width * 0.95, height * 0.45), fill=colour)
        draw.rectangle((height * 1.1, height * 0.55, width * 0.7, height * 0.68), fill="#888888")
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    image = get_image_model()(
        title=title, file=ImageFile(buffer, name=f"{title.lower().replace(' ', '-')}.png")
    )
    image.save()
    return image


@pytest.fixture
def pictures(db):
    return {
        "district_logo": make_picture("Logo Landkreis", size=(900, 300), colour="#1f4e5f"),
        "lab_logo": make_picture("Logo Labor", size=(600, 300), colour="#b05a1f"),
        "signature": make_picture("Unterschrift", size=(700, 220), colour="#1a2a6c", transparent=True),
    }


@pytest.fixture
def certificate_template(pictures):
    """The published default design with both logos, a signature and a line of its own in both languages."""
    from certificates.models import CertificateTemplate

    template = CertificateTemplate(
        name="Standard",
        is_default=True,
        signer_name="Dr. Annette Vogelsang",
        signer_title="Leitung der Regionallabore",
        signer_title_en="Head of the Regional Labs",
        text="Gefördert vom Land Niedersachsen",
        text_en="Funded by the State of Lower Saxony",
        **pictures,
    )
    template.save()
    template.save_revision().publish()
    return template
