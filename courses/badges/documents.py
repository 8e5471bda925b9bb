"""Open Badges 2.0 hosted documents (issuer, badge class, assertion) and the badge images.

Every id and link is an absolute URL under settings.SITE_URL, so a verifier can fetch each document.
The assertion image is "baked": its PNG carries the assertion URL in an iTXt chunk with the keyword
"openbadges", as the Open Badges baking specification describes.
"""

import io
from email.utils import parseaddr
from functools import cache
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from PIL import Image, ImageDraw, ImageFont, PngImagePlugin

from courses.models import BadgeAssertion, BadgeClass

OB2_CONTEXT = "https://w3id.org/openbadges/v2"
DIGCOMP_FRAMEWORK = "DigComp 2.2"
DIGCOMP_URL = "https://publications.jrc.ec.europa.eu/repository/handle/JRC128415"
FONT = Path(settings.BASE_DIR) / "static" / "fonts" / "OpenSans-Semibold.ttf"
IMAGE_SIZE = 400
COLOUR = (31, 78, 95)
ACCENT = (176, 141, 60)


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def issuer_url() -> str:
    return absolute(reverse("badges:issuer"))


def badge_class_url(badge_class: BadgeClass) -> str:
    return absolute(reverse("badges:badge_class", args=[badge_class.pk]))


def assertion_url(assertion: BadgeAssertion) -> str:
    return absolute(reverse("badges:assertion", args=[assertion.uuid]))


def issuer_document() -> dict:
    return {
        "@context": OB2_CONTEXT,
        "type": "Issuer",
        "id": issuer_url(),
        "name": settings.WAGTAIL_SITE_NAME,
        "url": settings.SITE_URL + "/",
        "email": parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
    }


def badge_class_document(badge_class: BadgeClass) -> dict:
    """The badge class; its course and the course's competences must be loaded (or are fetched here)."""
    course = badge_class.course
    return {
        "@context": OB2_CONTEXT,
        "type": "BadgeClass",
        "id": badge_class_url(badge_class),
        "name": badge_class.name,
        "description": badge_class.description,
        "image": absolute(reverse("badges:badge_class_image", args=[badge_class.pk])),
        "criteria": {"narrative": badge_class.criteria},
        "issuer": issuer_url(),
        "alignment": [
            {
                "targetName": f"{competence.code} {competence.name_en}",
                "targetUrl": DIGCOMP_URL,
                "targetDescription": competence.name,
                "targetFramework": DIGCOMP_FRAMEWORK,
                "targetCode": competence.code,
            }
            for competence in course.competences.all()
        ],
        "tags": ["DigComp", str(course.get_topic_display()), str(course.get_level_display())],
    }


def assertion_document(assertion: BadgeAssertion) -> dict:
    """A hosted assertion; the recipient is named only by the salted hash of the email address."""
    document = {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": assertion_url(assertion),
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": assertion.salt,
            "identity": assertion.recipient_hash,
        },
        "badge": badge_class_url(assertion.badge_class),
        "issuedOn": assertion.issued_on.isoformat(),
        "image": absolute(reverse("badges:assertion_image", args=[assertion.uuid])),
        "verification": {"type": "hosted"},
    }
    if assertion.enrolment.run.course.url:
        document["evidence"] = [
            {
                "id": absolute(assertion.enrolment.run.course.url),
                "narrative": assertion.badge_class.criteria,
            }
        ]
    return document


def revoked_assertion_document(assertion: BadgeAssertion) -> dict:
    return {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": assertion_url(assertion),
        "revoked": True,
        "revocationReason": assertion.revocation_reason or "",
    }


@cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT), size)


def _initials(title: str) -> str:
    words = [w for w in title.replace("-", " ").split() if w[:1].isalnum()]
    capitalised = [w for w in words if w[:1].isupper() or w[:1].isdigit()] or words
    return "".join(w[0] for w in capitalised[:2]).upper() or "?"


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int, max_lines: int) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if draw.textlength(candidate, font=font) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip(".,;: ") + "…"
    return lines


def badge_png(*, title: str, lab: str, assertion_url: str | None = None) -> bytes:
    """A round badge with the course's initials, title and lab; baked with `assertion_url` if given."""
    scale = 2  # draw large, then scale down: smooth edges without antialiasing support in ImageDraw
    size = IMAGE_SIZE * scale
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((0, 0, size - 1, size - 1), fill=COLOUR)
    inset = 22 * scale
    draw.ellipse((inset, inset, size - inset, size - inset), outline=ACCENT, width=5 * scale)
    centre = size // 2
    initials_font = _font(96 * scale)
    draw.text((centre, centre - 88 * scale), _initials(title), font=initials_font, fill="white", anchor="mm")
    rule_y = centre - 26 * scale
    draw.line((centre - 40 * scale, rule_y, centre + 40 * scale, rule_y), fill=ACCENT, width=3 * scale)
    title_font = _font(23 * scale)
    y = centre + 8 * scale
    for line in _wrap(draw, title, title_font, 280 * scale, 3):
        draw.text((centre, y), line, font=title_font, fill="white", anchor="mm")
        y += 30 * scale
    lab_font = _font(16 * scale)
    lab_line = _wrap(draw, lab, lab_font, 270 * scale, 1)
    if lab_line:
        lab_y = centre + 122 * scale
        draw.text((centre, lab_y), lab_line[0], font=lab_font, fill=(225, 232, 236), anchor="mm")
    image = image.resize((IMAGE_SIZE, IMAGE_SIZE), Image.LANCZOS)
    info = PngImagePlugin.PngInfo()
    if assertion_url:
        info.add_itxt("openbadges", assertion_url, zip=False)
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info, optimize=True)
    return out.getvalue()


def badge_class_png(badge_class: BadgeClass) -> bytes:
    course = badge_class.course
    return badge_png(title=badge_class.name, lab=course.get_parent().title)


def assertion_png(assertion: BadgeAssertion) -> bytes:
    badge_class = assertion.badge_class
    return badge_png(
        title=badge_class.name,
        lab=assertion.enrolment.run.lab.title,
        assertion_url=assertion_url(assertion),
    )
