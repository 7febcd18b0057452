"""Admins create accounts and change roles; every change is an audit event."""

import re

import pytest
from django.contrib.auth.models import Group

from accounts.models import Team, User
from audit.models import Event


@pytest.fixture
def admin_client(staff):
    admin = staff.persona("admin")
    client = staff.client(admin)
    client.cookies["corridor_language"] = "en"
    return admin, client


def test_it_creates_an_account_with_a_one_time_password(admin_client):
    admin, client = admin_client
    team = Team.objects.create(name="Intake", kind="intake")
    response = client.post(
        "/staff/new/", {"username": "olena", "roles": ["operator"], "teams": [team.pk]}
    )
    assert response.status_code == 200
    password = re.search(r"<code>([A-Za-z0-9-]{23})</code>", response.content.decode()).group(1)
    user = User.objects.get(username="olena")
    assert user.check_password(password) and user.password_is_temporary
    assert user.roles == ["operator"] and list(user.teams.all()) == [team]
    assert Event.objects.filter(action="user_created", actor=admin).exists()
    assert password not in repr(list(Event.objects.values()))


def test_it_records_a_role_change(admin_client, staff):
    admin, client = admin_client
    user = staff.persona("operator")
    client.post(
        f"/staff/{user.pk}/", {"roles": ["case_officer"], "is_active": "on", "operation": "save"}
    )
    assert user.roles == ["case_officer"]
    event = Event.objects.filter(action="roles_changed", object_id=str(user.pk)).latest("seq")
    assert event.actor == admin
    assert event.detail == {"added": ["case_officer"], "removed": ["operator"]}


def test_it_refuses_an_invalid_user_name_with_a_clear_error(admin_client):
    _admin, client = admin_client
    response = client.post("/staff/new/", {"username": "Ivan Petrov <script>", "roles": []})
    assert response.status_code == 200
    assert "lower-case Latin letters" in response.content.decode()
    assert "<script>" not in response.content.decode().split("<main>", 1)[1].split("value=", 1)[0]


def test_it_keeps_the_admin_from_locking_himself_out(admin_client):
    admin, client = admin_client
    client.post(
        f"/staff/{admin.pk}/", {"roles": ["operator"], "is_active": "on", "operation": "save"}
    )
    assert "admin" in admin.roles


def test_it_resets_the_second_factor(admin_client, staff):
    admin, client = admin_client
    user = staff.persona("operator")
    client.post(f"/staff/{user.pk}/", {"operation": "reset_second_factor"})
    assert not user.totpdevice_set.exists()
    assert Event.objects.filter(action="second_factor_reset", object_id=str(user.pk)).exists()


@pytest.mark.parametrize(
    "role", ["operator", "case_officer", "supervisor", "auditor", "field_liaison"]
)
def test_it_forbids_staff_pages_to_other_roles(staff, role):
    client = staff.client(staff.persona(role))
    for url in ("/staff/", "/staff/new/", "/teams/"):
        assert client.get(url).status_code == 403, (role, url)


def test_it_creates_a_team(admin_client):
    admin, client = admin_client
    response = client.post("/teams/", {"name": "Field unit 7", "kind": "field_unit"})
    assert response.status_code == 302
    team = Team.objects.get(name="Field unit 7")
    assert Event.objects.filter(action="team_created", object_id=str(team.pk), actor=admin).exists()


def test_roles_are_groups(db):
    assert set(Group.objects.values_list("name", flat=True)) >= {"operator", "admin", "auditor"}
