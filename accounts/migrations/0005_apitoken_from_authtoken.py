"""Carry the tokens of DRF's `authtoken` over, so that programs using one keep working.

A DRF key is 40 hex characters; knox finds a token by its first 15 characters and checks the hash of the whole
string, so the old key hashed the way knox hashes works unchanged. It is valid for one token lifetime from now.
"""

from django.apps import apps as global_apps
from django.db import migrations
from django.utils import timezone
from knox.crypto import hash_token
from knox.settings import CONSTANTS, knox_settings

NAME = "Bisheriger Zugang"


def carry_over(apps, schema_editor):
    try:
        Token = apps.get_model("authtoken", "Token")
    except LookupError:  # authtoken is no longer installed: there is nothing to carry over
        return
    ApiToken = apps.get_model("accounts", "ApiToken")
    expiry = timezone.now() + knox_settings.TOKEN_TTL if knox_settings.TOKEN_TTL else None
    for token in Token.objects.iterator():
        api_token = ApiToken(
            user_id=token.user_id,
            name=NAME,
            digest=hash_token(token.key),
            token_key=token.key[: CONSTANTS.TOKEN_KEY_LENGTH],
            expiry=expiry,
        )
        api_token.save()
        # `created` is set on insert (auto_now_add); keep the day the key was really made.
        ApiToken.objects.filter(pk=api_token.pk).update(created=token.created)
    Token.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_apitoken"),
        # Only while DRF's authtoken is installed; once it is gone this migration has nothing to read.
        *(
            [("authtoken", "0004_alter_tokenproxy_options")]
            if global_apps.is_installed("rest_framework.authtoken")
            else []
        ),
    ]

    operations = [migrations.RunPython(carry_over, migrations.RunPython.noop)]
