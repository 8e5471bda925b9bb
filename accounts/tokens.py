"""The signed link that confirms a new email address.

The link names the requested change and a fingerprint of the password hash, signed with the site's key and a
timestamp. A new password (changed or reset) makes every link written before it useless, so a person who
did not ask for the change stops it by setting a new password.
"""

from datetime import timedelta

from django.core import signing
from django.utils.crypto import salted_hmac

SALT = "accounts.email_change"
# How long the link in the mail to the new address works.
MAX_AGE = timedelta(days=3)


def password_fingerprint(user) -> str:
    return salted_hmac(SALT, user.password).hexdigest()[:24]


def email_change_token(change) -> str:
    return signing.dumps({"change": change.pk, "password": password_fingerprint(change.user)}, salt=SALT)


def email_change_token_read(token: str) -> dict:
    """The token's content; raises `signing.SignatureExpired` when it is too old, `BadSignature` when it is
    not ours or was changed."""
    data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    if not isinstance(data, dict) or not isinstance(data.get("change"), int):
        raise signing.BadSignature("The token does not name a change.")
    return data
