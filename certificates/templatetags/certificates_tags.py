from django import template

from certificates.selectors import certificates_for_run, certificates_for_user

register = template.Library()


@register.simple_tag
def user_certificates(user):
    """A person's certificates (one query), for pages of lower apps such as "Meine Kurse"."""
    if not user.is_authenticated:
        return []
    return list(certificates_for_user(user=user))


@register.simple_tag
def run_certificates(run):
    """The current certificate of each enrolment of a run, by enrolment id, for pages of lower apps (the
    trainer's closing page, the lab's participant list): `{% run_certificates run as certificates %}`."""
    return certificates_for_run(run=run)


@register.filter
def certificate_of(certificates: dict, enrolment_id):
    """`{{ certificates|certificate_of:enrolment.pk }}`: the enrolment's certificate, or None."""
    return certificates.get(enrolment_id)
