from django import template

from certificates.models import Certificate
from certificates.selectors import certificates_for_user

register = template.Library()


@register.simple_tag
def user_certificates(user):
    """A person's certificates (one query), for pages of lower apps such as "Meine Kurse"."""
    if not user.is_authenticated:
        return []
    return list(certificates_for_user(user=user))


@register.simple_tag
def certificate_for_enrolment(certificates, enrolment_id):
    """The certificate of one enrolment from a list fetched with `user_certificates`, or None."""
    return next((c for c in certificates if c.enrolment_id == enrolment_id), None)


@register.inclusion_tag("certificates/includes/certificate_links.html")
def certificate_links(certificate: Certificate):
    """Download and verification links of one certificate, for "Meine Kurse"."""
    return {"certificate": certificate}
