"""`{% district_map %}`: the district's map with the labs as numbered, linked markers.

    {% load district_map %}
    {% district_map %}                                 the published labs in the page's language
    {% district_map labs=labs %}                       labs the page has already selected (no further query)
    {% district_map labs=labs caption=_("…") %}
    {% district_map markers=False shading=reach shading_title=_("Teilnehmende je Gemeinde") %}

`shading` is {municipality slug: value}; numbers are shaded light to dark with a legend, any other value
("< 5") is shown as it is (see labs.map.district_map).
"""

from django import template

from labs.map import MARKER_HIT_RADIUS
from labs.map import district_map as district_map_data
from labs.selectors import labs_published

register = template.Library()


@register.inclusion_tag("labs/includes/district_map.html", takes_context=True)
def district_map(context, labs=None, markers=True, shading=None, shading_title="", caption="", id=""):
    """The map; without `labs` it shows the published labs in the page's language; `markers=False`: none."""
    if not markers:
        labs = ()
    elif labs is None:
        page = context.get("page")
        labs = labs_published(locale_id=getattr(page, "locale_id", None))
    request = context.get("request")
    if not id:
        count = context.render_context.get("district_map_count", 0) + 1
        context.render_context["district_map_count"] = count
        id = "district-map" if count == 1 else f"district-map-{count}"
    return {
        "map": district_map_data(labs=labs, shading=shading, url_of=lambda lab: lab.get_url(request=request)),
        "shading_title": shading_title,
        "caption": caption,
        "id": id,
        "hit_radius": MARKER_HIT_RADIUS,
    }
