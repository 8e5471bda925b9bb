from django import template

from courses.bookings.selectors import runs_for_course_page_with_booking, user_is_contact

register = template.Library()


@register.inclusion_tag("courses/bookings/course_runs.html", takes_context=True)
def course_runs_with_booking(context, course):
    """The runs of a course offer as `{% course_runs %}` shows them, each with its cancellation deadline
    and, for contacts of an organisation, the way to book seats:
    `{% course_runs_with_booking course=page %}`."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "runs": runs_for_course_page_with_booking(course=course, user=user),
        "course": course,
        "request": request,
        "user": user,
    }


@register.simple_tag(takes_context=True)
def user_books_for_organisation(context) -> bool:
    """Whether the visitor is a contact of an organisation; asked once per request."""
    request = context.get("request")
    if request is None:
        return False
    if not hasattr(request, "_user_is_contact"):
        request._user_is_contact = user_is_contact(user=request.user)
    return request._user_is_contact
