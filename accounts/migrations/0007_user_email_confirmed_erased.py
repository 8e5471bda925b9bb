from django.db import migrations, models


def mark_existing_confirmed(apps, schema_editor):
    """People who had an account before addresses were confirmed count as confirmed: they have been getting
    their mails, and the rule that deletes unconfirmed accounts must never reach them."""
    User = apps.get_model("accounts", "User")
    User.objects.filter(email_confirmed_at__isnull=True).update(email_confirmed_at=models.F("date_joined"))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_audit_log"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="email_confirmed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="E-Mail-Adresse bestätigt am"),
        ),
        migrations.AddField(
            model_name="user",
            name="erased_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="gelöscht am"),
        ),
        migrations.RunPython(mark_existing_confirmed, migrations.RunPython.noop),
    ]
