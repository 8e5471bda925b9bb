"""The texts of the legal pages (Impressum, Datenschutz, Barrierefreiheit), kept as plain text files.

A file holds sections: a line `## Heading` starts one, blank lines separate paragraphs, and a line break
inside a paragraph stays a line break. `{district}`, `{contact_email}` and `{contact_phone}` are filled in.
The texts are written to the pages once, when the pages are first created; later edits happen in Wagtail.
"""

from html import escape
from pathlib import Path

from wagtail.rich_text import RichText

TEXTS = Path(__file__).resolve().parent
HEADING = "## "


def legal_page_body(name: str, **values: str) -> list[tuple[str, object]]:
    """The StreamField body of a standard page from `cms/legal/<name>.txt`: headings and paragraphs."""
    text = (TEXTS / f"{name}.txt").read_text(encoding="utf-8")
    blocks: list[tuple[str, object]] = []
    for chunk in text.strip().split("\n\n"):
        lines = [line.strip() for line in chunk.strip().splitlines()]
        if not lines:
            continue
        if lines[0].startswith(HEADING):
            if len(lines) > 1:
                raise ValueError(
                    f"{name}.txt: a heading stands alone, followed by a blank line: {lines[0]!r}"
                )
            blocks.append(("heading", lines[0].removeprefix(HEADING).format_map(values)))
        else:
            html = "<br>".join(escape(line.format_map(values), quote=False) for line in lines)
            blocks.append(("paragraph", RichText(f"<p>{html}</p>")))
    return blocks
