from django import template

from courses.bookings.selectors import user_is_contact

register = template.Library()


@register.simple_tag(takes_context=True)
def user_books_for_organisation(context) -> bool:
    """Whether the visitor is a contact of an organisation; asked once per request."""
    request = context.get("request")
    if request is None:
        return False
    if not hasattr(request, "_user_is_contact"):
        request._user_is_contact = user_is_contact(user=request.user)
    return request._user_is_contact
