from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock


class CalloutBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Überschrift"))
    text = blocks.TextBlock(label=_("Text"))
    link_page = blocks.PageChooserBlock(label=_("Verweis auf Seite"), required=False)
    link_text = blocks.CharBlock(label=_("Text des Verweises"), required=False)

    class Meta:
        icon = "pick"
        label = _("Hinweiskasten")
        template = "cms/blocks/callout.html"


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(
        label=_("Zwischenüberschrift"), form_classname="title", template="cms/blocks/heading.html"
    )
    paragraph = blocks.RichTextBlock(label=_("Absatz"), features=["bold", "italic", "link", "ol", "ul"])
    image = ImageBlock(label=_("Bild"))
    callout = CalloutBlock()
