"""Pictures for the demo's certificate design, drawn here so the demo needs no files from elsewhere: the
district's and a lab's logo and a signature."""

import io
from pathlib import Path

from django.conf import settings
from django.core.files.images import ImageFile
from PIL import Image, ImageDraw, ImageFont
from wagtail.images import get_image_model

FONTS = Path(settings.BASE_DIR) / "static" / "fonts"
INK = (31, 78, 95)
GOLD = (176, 141, 60)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / name), size)


def logo_png(*, initials: str, lines: list[str]) -> bytes:
    """A calm word mark: a shield with initials, then one or two lines of text."""
    image = Image.new("RGBA", (900, 300), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((10, 20, 230, 280), radius=40, fill=INK)
    draw.rounded_rectangle((30, 40, 210, 260), radius=30, outline=GOLD, width=8)
    draw.text((120, 150), initials, font=_font("OpenSans-Semibold.ttf", 96), fill="white", anchor="mm")
    y = 150 - (len(lines) - 1) * 45
    for line in lines:
        draw.text((270, y), line, font=_font("OpenSans-Semibold.ttf", 64), fill=INK, anchor="lm")
        y += 90
    return _png(image)


def signature_png(name: str) -> bytes:
    image = Image.new("RGBA", (900, 240), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.text((30, 120), name, font=_font("EBGaramond12-Italic.otf", 130), fill=(20, 30, 60), anchor="lm")
    return _png(image)


def image_ensure(*, title: str, data: bytes, filename: str):
    """The CMS image of that title, created from the bytes if it does not exist yet."""
    Image_ = get_image_model()
    existing = Image_.objects.filter(title=title).first()
    if existing is not None:
        return existing
    return Image_.objects.create(title=title, file=ImageFile(io.BytesIO(data), name=filename))
