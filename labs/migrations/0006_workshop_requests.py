"""Workshop requests from businesses (Innovationsworkshops), and the labs' managers may see and move on
those of their labs: their groups get the view and change permissions. Groups made later get them where
they are made (labs.permissions)."""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


MANAGER = "manager"
ACTIONS = ("change", "view")


def _permissions(apps):
    """Made here as Django names them: on a fresh database permissions are made only after all migrations,
    so they are found afterwards rather than made twice."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _created = ContentType.objects.get_or_create(app_label="labs", model="workshoprequest")
    return [
        Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"{action}_workshoprequest",
            defaults={"name": f"Can {action} Workshop-Anfrage"},
        )[0]
        for action in ACTIONS
    ]


def _manager_groups(apps):
    LabGroup = apps.get_model("labs", "LabGroup")
    return [lab_group.group for lab_group in LabGroup.objects.filter(role=MANAGER).select_related("group")]


def grant_request_permissions(apps, schema_editor):
    groups = _manager_groups(apps)
    if not groups:
        return
    permissions = _permissions(apps)
    for group in groups:
        group.permissions.add(*permissions)


def revoke_request_permissions(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="labs", codename__in=[f"{action}_workshoprequest" for action in ACTIONS]
    )
    for group in _manager_groups(apps):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('labs', '0005_alter_room_capacity'),
    ]

    operations = [
        migrations.CreateModel(
            name='WorkshopRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('company', models.CharField(max_length=200, verbose_name='Firma oder Organisation')),
                ('contact_name', models.CharField(max_length=150, verbose_name='Ansprechperson')),
                ('email', models.EmailField(max_length=254, verbose_name='E-Mail')),
                ('phone', models.CharField(blank=True, max_length=40, verbose_name='Telefon')),
                ('topic', models.CharField(max_length=500, verbose_name='Thema')),
                ('staff_count', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(200)], verbose_name='Mitarbeitende')),
                ('preferred_dates', models.CharField(max_length=300, verbose_name='Wunschtermine')),
                ('message', models.TextField(blank=True, max_length=2000, verbose_name='Nachricht')),
                ('language', models.CharField(choices=[('de', 'Deutsch'), ('en', 'English')], default='de', max_length=10, verbose_name='Sprache')),
                ('consented_at', models.DateTimeField(verbose_name='Einwilligung am')),
                ('status', models.CharField(choices=[('new', 'neu'), ('in_progress', 'in Bearbeitung'), ('done', 'erledigt')], default='new', max_length=20, verbose_name='Stand')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='eingegangen am')),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='geändert am')),
                ('closed_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='erledigt am')),
                ('lab', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='workshop_requests', to='labs.labpage', verbose_name='Labor')),
            ],
            options={
                'verbose_name': 'Workshop-Anfrage',
                'verbose_name_plural': 'Workshop-Anfragen',
                'ordering': ['-created_at', '-pk'],
                'indexes': [models.Index(fields=['status', 'created_at'], name='labs_workshop_status_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('staff_count__gte', 1), ('staff_count__lte', 200)), name='labs_workshop_staff_count_range')],
            },
        ),
        migrations.RunPython(grant_request_permissions, revoke_request_permissions),
    ]
