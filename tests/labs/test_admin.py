"""Rooms, roles at a lab and competences in the Wagtail admin; the Django admin for superusers."""

import pytest
from django.urls import reverse

from courses.models import Competence
from labs.models import LabRole, Room
from tests.factories import (
    CourseRunFactory,
    LabRoleFactory,
    RoomFactory,
    UserFactory,
    make_course,
    make_manager,
)

pytestmark = pytest.mark.django_db


def room_data(lab, **fields):
    return {"lab": lab.pk, "name": "Werkstatt", "capacity": 12, "step_free": "on", "equipment": "", **fields}


# Rooms


def test_manager_adds_a_room_to_own_lab(client, lab, manager):
    client.force_login(manager)
    response = client.post(reverse("raeume:add"), room_data(lab))
    assert response.status_code == 302
    room = Room.objects.get()
    assert (room.lab_id, room.name, room.capacity, room.step_free) == (lab.pk, "Werkstatt", 12, True)


def test_manager_cannot_add_a_room_to_another_lab(client, manager, other_lab):
    client.force_login(manager)
    response = client.post(reverse("raeume:add"), room_data(other_lab))
    assert response.status_code == 200
    assert "lab" in response.context["form"].errors
    assert not Room.objects.exists()


def test_manager_sees_and_edits_only_rooms_of_own_lab(client, lab, manager, other_lab):
    RoomFactory(lab=lab, name="Eigener Raum")
    foreign = RoomFactory(lab=other_lab, name="Fremder Raum")
    client.force_login(manager)
    content = client.get(reverse("raeume:index")).content.decode()
    assert "Eigener Raum" in content
    assert "Fremder Raum" not in content
    assert client.get(reverse("raeume:edit", args=[foreign.pk])).status_code == 404
    assert client.post(reverse("raeume:delete", args=[foreign.pk])).status_code == 404
    assert Room.objects.filter(pk=foreign.pk, name="Fremder Raum").exists()


def test_deleting_a_room_that_runs_use_is_refused_with_a_message(client, lab, manager):
    room = RoomFactory(lab=lab)
    CourseRunFactory(course=make_course(lab=lab), room=room)
    client.force_login(manager)
    response = client.post(reverse("raeume:delete", args=[room.pk]), follow=True)
    assert response.status_code == 200
    assert "lässt er sich nicht löschen" in response.content.decode()
    assert Room.objects.filter(pk=room.pk).exists()


# Roles


def test_manager_names_a_trainer_by_email(client, lab, manager):
    person = UserFactory(email="trainerin@example.org")
    client.force_login(manager)
    data = {"email": "Trainerin@Example.org", "lab": lab.pk, "role": LabRole.Role.TRAINER}
    response = client.post(reverse("rollen:add"), data)
    assert response.status_code == 302
    assert LabRole.objects.filter(user=person, lab=lab, role=LabRole.Role.TRAINER).exists()


def test_unknown_email_gets_a_clear_message(client, lab, manager):
    client.force_login(manager)
    data = {"email": "niemand@example.org", "lab": lab.pk, "role": LabRole.Role.TRAINER}
    response = client.post(reverse("rollen:add"), data)
    assert response.status_code == 200
    assert "kein Konto" in response.content.decode()
    assert LabRole.objects.count() == 1


def test_same_role_twice_gets_a_clear_message(client, lab, manager):
    person = UserFactory()
    LabRoleFactory(lab=lab, user=person, role=LabRole.Role.TRAINER)
    client.force_login(manager)
    data = {"email": person.email, "lab": lab.pk, "role": LabRole.Role.TRAINER}
    response = client.post(reverse("rollen:add"), data)
    assert response.status_code == 200
    assert "schon" in response.content.decode()
    assert LabRole.objects.filter(user=person).count() == 1


def test_manager_cannot_give_roles_at_another_lab(client, manager, other_lab):
    person = UserFactory()
    client.force_login(manager)
    data = {"email": person.email, "lab": other_lab.pk, "role": LabRole.Role.MANAGER}
    response = client.post(reverse("rollen:add"), data)
    assert response.status_code == 200
    assert not LabRole.objects.filter(user=person).exists()


def test_manager_sees_only_roles_at_own_lab(client, lab, manager, other_lab):
    LabRoleFactory(lab=lab, user=UserFactory(full_name="Eigene Trainerin"), role=LabRole.Role.TRAINER)
    foreign = LabRoleFactory(lab=other_lab, user=UserFactory(full_name="Fremder Trainer"))
    client.force_login(manager)
    content = client.get(reverse("rollen:index")).content.decode()
    assert "Eigene Trainerin" in content
    assert "Fremder Trainer" not in content
    response = client.get(reverse("rollen:edit", args=[foreign.pk]))
    assert response.status_code == 404
    assert "Fremder Trainer" not in response.content.decode()


# Competences


def test_competences_can_be_looked_at_but_not_changed(client, manager):
    competence = Competence.objects.order_by("code").first() or Competence.objects.create(
        code="1.1", area_code="1", area_name="Umgang mit Informationen", name="Suchen", name_en="Browsing"
    )
    superuser = UserFactory(is_superuser=True)
    for person in (manager, superuser):
        client.force_login(person)
        assert client.get(reverse("kompetenzen:index")).status_code == 200
        assert client.get(reverse("kompetenzen:inspect", args=[competence.pk])).status_code == 200
        assert client.get(reverse("kompetenzen:add")).status_code == 302
        assert client.get(reverse("kompetenzen:edit", args=[competence.pk])).status_code == 302
        assert client.post(reverse("kompetenzen:delete", args=[competence.pk])).status_code == 302
    assert Competence.objects.filter(pk=competence.pk).exists()


def test_admin_menu_shows_the_lab_manager_items(client, manager):
    client.force_login(manager)
    content = client.get(reverse("wagtailadmin_home")).content.decode()
    for name in ("kurstermine", "raeume", "rollen", "kompetenzen"):
        assert reverse(f"{name}:index") in content


# Django admin


def test_django_admin_lists_lab_records_for_superusers(client, lab):
    RoomFactory(lab=lab, name="Werkstatt im Keller")
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    for name in ("labs_room", "labs_labrole", "labs_municipality", "courses_courserun", "courses_enrolment"):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200
    assert "Werkstatt im Keller" in client.get(reverse("admin:labs_room_changelist")).content.decode()


def test_django_admin_is_closed_to_lab_managers(client, lab):
    manager = make_manager(lab)
    manager.is_staff = True
    manager.save()
    CourseRunFactory(course=make_course(lab=lab), title="Abendkurs im Labor")
    client.force_login(manager)
    response = client.get(reverse("admin:courses_courserun_changelist"))
    assert response.status_code == 403
    assert "Abendkurs im Labor" not in response.content.decode()
