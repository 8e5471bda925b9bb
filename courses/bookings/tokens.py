"""The link in a member's invitation: it names the invited seat, is signed, and stops working once the
seat is accepted, declined or given to someone else."""

from django.core import signing

from ..models import Enrolment

SALT = "courses.bookings.invitation"
# Invitations are sent weeks ahead; the seat's state, not the age of the link, decides whether it works.
MAX_AGE = 60 * 60 * 24 * 180


def invitation_token(enrolment: Enrolment) -> str:
    return signing.dumps({"e": enrolment.pk, "m": enrolment.member_email}, salt=SALT, compress=True)


def invitation_enrolment(token: str) -> Enrolment | None:
    """The invited seat the token names, while it is still waiting for this member; else None."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    return (
        Enrolment.objects.select_related("run", "run__course", "run__lab", "booking__organisation")
        .filter(pk=data.get("e"), member_email=data.get("m"), status=Enrolment.Status.INVITED)
        .first()
    )
