"""Roles at a lab go through the services, and page permissions follow the lab: a lab's managers and
editors edit that lab's pages and no other lab's."""

import importlib
import re
import threading
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import connection, connections
from django.urls import reverse
from wagtail.models import GroupPagePermission, ModelLogEntry, Page

from cms.models import LabIndexPage, StandardPage
from courses.models import CoursePage
from labs.exceptions import LastOwnManagerRole, NotAllowed, RoleAlreadyGiven, UnknownRole
from labs.models import LabGroup, LabPage, LabRole
from labs.permissions import register_manager_permissions, role_permissions
from labs.services import lab_role_change, lab_role_grant, lab_role_revoke
from tests.factories import (
    LabRoleFactory,
    UserFactory,
    home_page,
    lab_index_page,
    make_course,
    make_lab,
    make_manager,
)

pytestmark = pytest.mark.django_db

MANAGER, EDITOR, TRAINER = LabRole.Role.MANAGER, LabRole.Role.EDITOR, LabRole.Role.TRAINER


@pytest.fixture
def superuser():
    return UserFactory(is_superuser=True)


def lab_group(lab, role=MANAGER) -> Group:
    return LabGroup.objects.get(lab=lab, role=role).group


def page_ids_editable_through_groups(user) -> set[int]:
    return set(GroupPagePermission.objects.filter(group__user=user).values_list("page_id", flat=True))


def lab_pages_in_every_language(lab) -> set[int]:
    """The lab's page and its English counterpart, which the lab's people translate."""
    return set(lab.get_translations(inclusive=True).values_list("pk", flat=True))


def can_open_runs(client, user) -> bool:
    client.force_login(user)
    return client.get(reverse("kurstermine:index")).status_code == 200


def can_open_page_editor(client, user, page) -> bool:
    client.force_login(user)
    return client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code == 200


# Roles given in /cms/rollen/ go through the services


def test_manager_added_in_the_roles_admin_can_open_the_runs_menu(client, lab, manager):
    person = UserFactory()
    client.force_login(manager)
    response = client.post(reverse("rollen:add"), {"email": person.email, "lab": lab.pk, "role": MANAGER})
    assert response.status_code == 302
    assert can_open_runs(client, person)


def test_manager_added_in_the_roles_admin_can_edit_the_labs_course_pages(client, lab, manager):
    person = UserFactory()
    course = make_course(lab)
    client.force_login(manager)
    client.post(reverse("rollen:add"), {"email": person.email, "lab": lab.pk, "role": MANAGER})
    assert can_open_page_editor(client, person, course)


def test_a_role_added_in_the_roles_admin_is_recorded_once_with_who_added_it(client, lab, manager):
    person = UserFactory()
    client.force_login(manager)
    client.post(reverse("rollen:add"), {"email": person.email, "lab": lab.pk, "role": TRAINER})
    role = LabRole.objects.get(user=person)
    entries = ModelLogEntry.objects.filter(object_id=str(role.pk), content_type__model="labrole")
    assert list(entries.values_list("action", "user_id")) == [("wagtail.create", manager.pk)]


def test_changing_a_manager_to_trainer_in_the_roles_admin_closes_the_menus(client, lab, manager):
    person = UserFactory()
    role = lab_role_grant(lab=lab, user=person, role=MANAGER)
    client.force_login(manager)
    data = {"email": person.email, "lab": lab.pk, "role": TRAINER}
    response = client.post(reverse("rollen:edit", args=[role.pk]), data)
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.role == TRAINER
    assert not person.groups.exists()
    assert not can_open_runs(client, person)


def test_deleting_a_manager_role_in_the_roles_admin_closes_the_menus(client, lab, manager):
    person = UserFactory()
    role = lab_role_grant(lab=lab, user=person, role=MANAGER)
    client.force_login(manager)
    response = client.post(reverse("rollen:delete", args=[role.pk]))
    assert response.status_code == 302
    assert not LabRole.objects.filter(pk=role.pk).exists()
    assert not can_open_runs(client, person)


def test_manager_cannot_remove_own_role_as_only_manager_in_the_roles_admin(client, lab, manager):
    role = LabRole.objects.get(user=manager, lab=lab)
    client.force_login(manager)
    response = client.post(reverse("rollen:delete", args=[role.pk]), follow=True)
    assert response.status_code == 200
    assert "einzige Laborleitung" in response.content.decode()
    assert LabRole.objects.filter(pk=role.pk).exists()
    assert can_open_runs(client, manager)


def test_manager_cannot_make_themselves_trainer_as_only_manager_in_the_roles_admin(client, lab, manager):
    role = LabRole.objects.get(user=manager, lab=lab)
    client.force_login(manager)
    data = {"email": manager.email, "lab": lab.pk, "role": TRAINER}
    response = client.post(reverse("rollen:edit", args=[role.pk]), data)
    assert response.status_code == 200
    assert "einzige Laborleitung" in response.content.decode()
    role.refresh_from_db()
    assert role.role == MANAGER


def test_django_admin_only_shows_roles(client, lab, manager, superuser):
    superuser.is_staff = True
    superuser.save()
    role = LabRole.objects.get(user=manager)
    client.force_login(superuser)
    assert client.get(reverse("admin:labs_labrole_changelist")).status_code == 200
    assert client.get(reverse("admin:labs_labrole_add")).status_code == 403
    response = client.post(reverse("admin:labs_labrole_delete", args=[role.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert LabRole.objects.filter(pk=role.pk).exists()


# Page permissions follow the lab


def test_manager_can_edit_and_publish_own_labs_course_page(client, lab, manager):
    course = make_course(lab)
    assert can_open_page_editor(client, manager, course)
    permissions = course.permissions_for_user(manager)
    assert permissions.can_publish()
    assert permissions.can_delete()


def test_manager_cannot_open_another_labs_course_page_in_the_editor(client, manager, other_lab):
    course = make_course(other_lab)
    client.force_login(manager)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[course.pk]))
    assert response.status_code in (302, 403)
    assert response.status_code == 403 or response.url == reverse("wagtailadmin_home")


def test_manager_cannot_publish_another_labs_course_page(client, manager, other_lab):
    course = make_course(other_lab, title="Fremder Kurs")
    client.force_login(manager)
    data = {"title": "Übernommen", "slug": course.slug, "action-publish": "action-publish"}
    response = client.post(reverse("wagtailadmin_pages:edit", args=[course.pk]), data)
    assert response.status_code in (302, 403)
    course.refresh_from_db()
    assert course.title == "Fremder Kurs"
    assert not course.permissions_for_user(manager).can_publish()


def test_manager_cannot_delete_another_labs_course_page(client, manager, other_lab):
    course = make_course(other_lab)
    client.force_login(manager)
    response = client.post(reverse("wagtailadmin_pages:delete", args=[course.pk]))
    assert response.status_code in (302, 403)
    assert CoursePage.objects.filter(pk=course.pk).exists()


def test_manager_cannot_edit_the_other_labs_page_itself(client, manager, other_lab):
    assert not can_open_page_editor(client, manager, other_lab)


def test_each_lab_has_its_own_manager_group_with_page_permissions_on_that_lab_only(lab, other_lab):
    make_manager(lab)
    make_manager(other_lab)
    assert lab_group(lab) != lab_group(other_lab)
    pages = GroupPagePermission.objects.filter(group=lab_group(lab)).values_list("page_id", flat=True)
    assert set(pages) == lab_pages_in_every_language(lab)
    codenames = GroupPagePermission.objects.filter(group=lab_group(lab), page=lab).values_list(
        "permission__codename", flat=True
    )
    assert sorted(codenames) == ["add_page", "change_page", "publish_page"]


def test_lab_groups_are_named_after_the_lab(lab):
    make_manager(lab)
    lab_role_grant(lab=lab, user=UserFactory(), role=EDITOR)
    assert lab_group(lab).name == "Laborleitung Regionallabor Hameln"
    assert lab_group(lab, EDITOR).name == "Redaktion Regionallabor Hameln"


def test_lab_group_is_found_by_lab_and_renamed_with_it(lab):
    make_manager(lab)
    group = lab_group(lab)
    lab.title = "Digitallabor Hameln"
    lab.save()
    second = UserFactory()
    lab_role_grant(lab=lab, user=second, role=MANAGER)
    group.refresh_from_db()
    assert group.name == "Laborleitung Digitallabor Hameln"
    assert list(second.groups.all()) == [group]


def test_a_group_of_the_same_name_gets_the_labs_id_added(lab):
    Group.objects.create(name="Laborleitung Regionallabor Hameln")
    make_manager(lab)
    assert lab_group(lab).name == f"Laborleitung Regionallabor Hameln ({lab.pk})"


def test_deleting_a_lab_deletes_its_groups(lab):
    make_manager(lab)
    group_id = lab_group(lab).pk
    lab.delete()
    assert not Group.objects.filter(pk=group_id).exists()


def test_trainers_join_no_group(lab):
    trainer = UserFactory()
    lab_role_grant(lab=lab, user=trainer, role=TRAINER)
    assert not trainer.groups.exists()


def test_site_wide_editors_keep_editing_every_lab(client, lab, other_lab):
    editors = Group.objects.create(name="Redaktion")
    editors.permissions.add(Permission.objects.get(codename="access_admin"))
    GroupPagePermission.objects.create(
        group=editors, page=home_page(), permission=Permission.objects.get(codename="change_page")
    )
    editor = UserFactory()
    editor.groups.add(editors)
    assert can_open_page_editor(client, editor, make_course(lab))
    assert can_open_page_editor(client, editor, make_course(other_lab))


# Lab editors


def test_lab_editor_edits_own_labs_pages(client, lab):
    editor = UserFactory()
    lab_role_grant(lab=lab, user=editor, role=EDITOR)
    assert can_open_page_editor(client, editor, make_course(lab))
    assert can_open_page_editor(client, editor, lab)


def test_lab_editor_cannot_edit_another_labs_pages(client, lab, other_lab):
    editor = UserFactory()
    lab_role_grant(lab=lab, user=editor, role=EDITOR)
    assert not can_open_page_editor(client, editor, make_course(other_lab))


def test_lab_editor_cannot_open_the_runs_menu(client, lab):
    editor = UserFactory()
    lab_role_grant(lab=lab, user=editor, role=EDITOR)
    assert not can_open_runs(client, editor)
    client.force_login(editor)
    assert client.get(reverse("raeume:index")).status_code != 200
    assert client.get(reverse("rollen:index")).status_code != 200


# Revoking


def test_revoking_a_manager_role_takes_away_runs_and_pages(client, lab, superuser):
    person = UserFactory()
    role = lab_role_grant(lab=lab, user=person, role=MANAGER, by=superuser)
    course = make_course(lab)
    lab_role_revoke(lab_role=role, by=superuser)
    assert not can_open_runs(client, person)
    assert not can_open_page_editor(client, person, course)


def test_revoking_one_labs_role_keeps_the_other_labs_access(lab, other_lab):
    person = UserFactory()
    role = lab_role_grant(lab=lab, user=person, role=MANAGER)
    lab_role_grant(lab=other_lab, user=person, role=MANAGER)
    lab_role_revoke(lab_role=role)
    assert page_ids_editable_through_groups(person) == lab_pages_in_every_language(other_lab)


def test_revoking_the_manager_role_keeps_the_editor_role_of_the_same_lab(lab):
    person = UserFactory()
    role = lab_role_grant(lab=lab, user=person, role=MANAGER)
    lab_role_grant(lab=lab, user=person, role=EDITOR)
    lab_role_revoke(lab_role=role)
    assert list(person.groups.all()) == [lab_group(lab, EDITOR)]


# The services' rules


def test_grant_is_refused_to_someone_who_does_not_manage_the_lab(lab, other_lab):
    outsider = make_manager(other_lab)
    with pytest.raises(NotAllowed):
        lab_role_grant(lab=lab, user=UserFactory(), role=MANAGER, by=outsider)
    assert not LabRole.objects.filter(lab=lab).exists()


def test_grant_is_refused_to_a_trainer_of_the_lab(lab):
    trainer = LabRoleFactory(lab=lab, role=TRAINER).user
    with pytest.raises(NotAllowed):
        lab_role_grant(lab=lab, user=UserFactory(), role=TRAINER, by=trainer)


def test_grant_of_an_unknown_role_is_refused(lab):
    with pytest.raises(UnknownRole):
        lab_role_grant(lab=lab, user=UserFactory(), role="chef")
    assert not LabRole.objects.exists()


def test_grant_twice_keeps_one_role(lab):
    person = UserFactory()
    first = lab_role_grant(lab=lab, user=person, role=MANAGER)
    assert lab_role_grant(lab=lab, user=person, role=MANAGER) == first
    assert LabRole.objects.filter(user=person).count() == 1


def test_system_grant_without_by_is_allowed(lab):
    person = UserFactory()
    lab_role_grant(lab=lab, user=person, role=MANAGER, by=None)
    assert person.groups.get() == lab_group(lab)


def test_manager_may_give_up_own_role_when_another_manager_remains(lab, manager):
    make_manager(lab)
    lab_role_revoke(lab_role=LabRole.objects.get(user=manager, lab=lab), by=manager)
    assert not manager.groups.exists()


def test_manager_cannot_revoke_own_role_as_only_manager(lab, manager):
    role = LabRole.objects.get(user=manager, lab=lab)
    with pytest.raises(LastOwnManagerRole):
        lab_role_revoke(lab_role=role, by=manager)
    assert LabRole.objects.filter(pk=role.pk).exists()


def test_superuser_may_remove_a_labs_only_manager(lab, manager, superuser):
    lab_role_revoke(lab_role=LabRole.objects.get(user=manager, lab=lab), by=superuser)
    assert not LabRole.objects.filter(lab=lab).exists()


def test_revoke_is_refused_to_a_manager_of_another_lab(lab, other_lab):
    role = LabRole.objects.get(user=make_manager(lab))
    with pytest.raises(NotAllowed):
        lab_role_revoke(lab_role=role, by=make_manager(other_lab))
    assert LabRole.objects.filter(pk=role.pk).exists()


def test_change_moves_the_person_between_lab_groups(lab, other_lab, superuser):
    person = UserFactory()
    role = lab_role_grant(lab=lab, user=person, role=MANAGER)
    lab_role_change(lab_role=role, lab=other_lab, user=person, role=MANAGER, by=superuser)
    assert list(person.groups.all()) == [lab_group(other_lab)]


def test_change_into_an_existing_role_is_refused_and_changes_nothing(lab, superuser):
    person = UserFactory()
    lab_role_grant(lab=lab, user=person, role=EDITOR)
    role = lab_role_grant(lab=lab, user=person, role=MANAGER)
    with pytest.raises(RoleAlreadyGiven):
        lab_role_change(lab_role=role, lab=lab, user=person, role=EDITOR, by=superuser)
    role.refresh_from_db()
    assert role.role == MANAGER
    assert set(person.groups.all()) == {lab_group(lab), lab_group(lab, EDITOR)}


def test_change_to_a_lab_the_person_does_not_manage_is_refused(lab, other_lab, manager):
    role = lab_role_grant(lab=lab, user=UserFactory(), role=TRAINER)
    with pytest.raises(NotAllowed):
        lab_role_change(lab_role=role, lab=other_lab, user=role.user, role=TRAINER, by=manager)
    role.refresh_from_db()
    assert role.lab_id == lab.pk


# Permissions named by the apps above


def test_courses_registers_the_run_permissions_for_managers():
    assert "courses.add_courserun" in role_permissions(MANAGER)
    assert "courses.view_competence" in role_permissions(MANAGER)
    assert "courses.add_courserun" not in role_permissions(EDITOR)


def test_a_malformed_permission_name_is_refused():
    with pytest.raises(ValueError):
        register_manager_permissions("add_courserun")


def test_labs_code_names_no_app_above_it():
    labs_dir = Path(apps.get_app_config("labs").path)
    higher = re.compile(r"[\"'](courses|certificates|cms)\.")
    for path in labs_dir.glob("*.py"):
        assert not higher.search(path.read_text()), path.name


# Page types around a lab


def test_only_course_pages_can_be_created_under_a_lab(lab):
    assert LabPage.allowed_subpage_models() == [CoursePage]
    assert CoursePage.can_create_at(lab)
    assert not StandardPage.can_create_at(lab)
    assert not LabPage.can_create_at(lab)


def test_labs_can_be_created_only_in_the_lab_index():
    assert LabPage.allowed_parent_page_models() == [LabIndexPage]
    assert LabPage.can_create_at(lab_index_page())
    assert not LabPage.can_create_at(home_page())
    assert not LabPage.can_create_at(Page.get_first_root_node())


# Data migration


def move_managers_into_lab_groups():
    migration = importlib.import_module("labs.migrations.0004_managers_into_lab_groups")
    migration.move_managers_into_lab_groups(apps, None)


def test_migration_moves_shared_group_members_into_the_groups_of_their_labs(lab, other_lab):
    shared = Group.objects.create(name="Laborleitung")
    change_page = Permission.objects.get(codename="change_page")
    for page in (lab, other_lab):
        GroupPagePermission.objects.create(group=shared, page=page, permission=change_page)
    person = UserFactory()
    person.groups.add(shared)
    LabRole.objects.create(lab=lab, user=person, role=MANAGER)

    move_managers_into_lab_groups()

    assert page_ids_editable_through_groups(person) == {lab.pk}
    assert not shared.user_set.exists()
    assert not GroupPagePermission.objects.filter(group=shared).exists()
    assert lab_group(lab).permissions.filter(codename="add_courserun").exists()


def test_migration_gives_managers_outside_the_shared_group_their_lab_group(client, lab):
    person = UserFactory()
    LabRole.objects.create(lab=lab, user=person, role=MANAGER)

    move_managers_into_lab_groups()

    assert list(person.groups.all()) == [lab_group(lab)]
    assert can_open_runs(client, person)


def test_migration_leaves_the_groups_the_services_made(lab):
    manager = make_manager(lab)
    group = lab_group(lab)

    move_managers_into_lab_groups()

    assert list(manager.groups.all()) == [group]
    assert LabGroup.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_managers_removing_each_other_at_once_leave_the_lab_one_manager():
    lab = make_lab("Regionallabor Emmerthal", municipality="emmerthal")
    first, second = make_manager(lab), make_manager(lab)
    roles = {
        user.pk: LabRole.objects.get(lab=lab, user=user, role=LabRole.Role.MANAGER)
        for user in (first, second)
    }
    barrier = threading.Barrier(2)

    def remove(by, other):
        try:
            barrier.wait(10)
            lab_role_revoke(lab_role=roles[other.pk], by=by)
        except Exception:  # noqa: BLE001, S110 - one of the two is refused; the outcome is checked below
            pass
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=remove, args=(first, second)),
        threading.Thread(target=remove, args=(second, first)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert LabRole.objects.filter(lab=lab, role=LabRole.Role.MANAGER).count() == 1
