"""The signed link that confirms the email address of a new account.

The link names the person and the address it was sent to, signed with the site's key and a timestamp; it
works until the account would be deleted as never confirmed (`CONFIRM_WITHIN`), and only while the
account still has that address.
"""

from datetime import timedelta

from django.core import signing

SALT = "accounts.email_confirm"
# How long a new account waits for its address to be confirmed; after that it is deleted (retention rule).
CONFIRM_WITHIN = timedelta(days=7)


def email_confirm_token(user) -> str:
    return signing.dumps({"user": user.pk, "email": user.email.lower()}, salt=SALT)


def email_confirm_token_read(token: str) -> dict:
    """The token's content; raises `signing.SignatureExpired` when too old, `BadSignature` when not ours."""
    data = signing.loads(token, salt=SALT, max_age=CONFIRM_WITHIN)
    if not isinstance(data, dict) or not isinstance(data.get("user"), int) or not data.get("email"):
        raise signing.BadSignature("The token does not name an account.")
    return data
