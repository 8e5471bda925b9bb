"""Text made safe where it is written: rich text for pages, single lines for mail headers and calendars."""

import nh3

# What Wagtail's rich text editor stores for its default features (headings, bold, italic, lists, rules,
# links to pages, documents and the web, images and embeds), in its database format. Anything the editor
# cannot produce (scripts, event handlers, styles, javascript: links) is dropped, whichever way it came in.
RICH_TEXT_TAGS = {"p", "br", "h2", "h3", "h4", "b", "i", "ol", "ul", "li", "hr", "a", "embed"}
RICH_TEXT_ATTRIBUTES = {
    "a": {"href", "linktype", "id"},
    "embed": {"embedtype", "id", "format", "alt", "url"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def rich_text_clean(html: str) -> str:
    """The HTML reduced to what the rich text editor allows; links only to the web, mail or phone."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=RICH_TEXT_TAGS,
        attributes=RICH_TEXT_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )


def single_line(text: str) -> str:
    """The text on one line: line breaks and other control characters become single spaces.

    Mail subjects and calendar summaries are one line; a line break there breaks the header or the file.
    """
    return " ".join("".join(ch if ch.isprintable() else " " for ch in str(text)).split())
