from django import template

from certificates.selectors import certificates_for_user

register = template.Library()


@register.simple_tag
def user_certificates(user):
    """A person's certificates (one query), for pages of lower apps such as "Meine Kurse"."""
    if not user.is_authenticated:
        return []
    return list(certificates_for_user(user=user))
