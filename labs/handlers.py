"""Keeps the lab groups in step with their labs."""

from django.contrib.auth.models import Group
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import LabGroup, LabPage
from .services import lab_group_names_sync


@receiver(post_save, sender=LabPage)
def lab_groups_follow_the_title(sender, instance: LabPage, raw: bool = False, **kwargs):
    if not raw:
        lab_group_names_sync(lab=instance)


@receiver(post_delete, sender=LabGroup)
def lab_group_goes_with_its_lab(sender, instance: LabGroup, **kwargs):
    """A deleted lab leaves no group behind that still lets its members into the admin."""
    Group.objects.filter(pk=instance.group_id).delete()
