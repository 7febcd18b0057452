"""Keys follow roles: every role × every kind of team, through each door a key can come by
(membership, a grant by a holder, escrow recovery's re-grant). Refusals are made by the domain
functions themselves and each leaves an audit event without personal data."""

import pytest

from accounts import actions
from accounts.models import Membership, Team
from accounts.roles import ROLE_TEAM_KINDS, Role, WrongRoleForKey
from audit.models import Event
from cases import access
from tests.vault.conftest import private_of
from vault import escrow, recovery
from vault import teams as team_keys
from vault.keys import keyring
from vault.models import TeamKeySeal

# Written out again, independently of accounts/roles.py: a change there must be deliberate
# here too. Columns: intake, planning, finance, field unit.
EXPECTED = {
    "operator":        "X . . .",
    "case_officer":    "X X . .",
    "field_liaison":   ". . . X",
    "finance_officer": ". . X .",
    "supervisor":      "X X X .",
    "auditor":         ". . . .",
    "admin":           ". . . .",
}  # fmt: skip
KINDS = ["intake", "planning", "finance", "field"]  # programme fixture's team names, in order
HOLDER = {
    "intake": "operator",
    "planning": "case_officer",
    "finance": "finance_officer",
    "field": "field_liaison",
}
CELLS = [(role, team) for role in EXPECTED for team in KINDS]


def _allowed(role: str, team: str) -> bool:
    return EXPECTED[role].split()[KINDS.index(team)] == "X"


def test_the_table_matches_the_written_expectation():
    columns = [Team.Kind.INTAKE, Team.Kind.PLANNING, Team.Kind.FINANCE, Team.Kind.FIELD_UNIT]
    for role, row in EXPECTED.items():
        wanted = {c.value for c, x in zip(columns, row.split(), strict=True) if x == "X"}
        assert ROLE_TEAM_KINDS[role] == wanted, role
    assert set(ROLE_TEAM_KINDS) == {r.value for r in Role}


def _refusals(action: str) -> list[Event]:
    return list(Event.objects.filter(action=action).order_by("seq"))


def _no_personal_data(event: Event, user) -> None:
    assert set(event.detail) <= {"user", "kind", "roles"}
    assert user.username not in str(event.detail) and user.username != event.object_id


@pytest.mark.parametrize("role,team", CELLS)
def test_adding_a_member_follows_the_table(programme, role, team):
    admin, group = programme.users["admin"], programme.teams[team]
    user = programme.staff.make(f"new_{role}", roles=[role])
    if _allowed(role, team):
        actions.add_member(actor=admin, team=group, user=user)
        assert Membership.objects.filter(team=group, user=user).exists()
        assert not _refusals("team_member_refused")
        return
    with pytest.raises(WrongRoleForKey):
        actions.add_member(actor=admin, team=group, user=user)
    assert not Membership.objects.filter(team=group, user=user).exists()
    [event] = _refusals("team_member_refused")
    assert event.actor_id == admin.pk and event.object_id == str(group.pk)
    assert event.detail == {"user": user.pk, "kind": group.kind}
    _no_personal_data(event, user)


@pytest.mark.parametrize("role,team", CELLS)
def test_granting_a_team_key_follows_the_table(programme, role, team):
    """The membership row is written straight into the database (as an admin with database
    access could): the grant itself still refuses a role that may not hold the key."""
    group = programme.teams[team]
    holder = programme.users[HOLDER[team]]
    user = programme.staff.make(f"new_{role}", roles=[role])
    Membership.objects.create(team=group, user=user)
    if _allowed(role, team):
        assert team_keys.grant(group, user, actor=holder, actor_private=private_of(holder)) == 1
        assert TeamKeySeal.objects.filter(user=user, team_key__team=group).exists()
        return
    with pytest.raises(WrongRoleForKey):
        team_keys.grant(group, user, actor=holder, actor_private=private_of(holder))
    assert not TeamKeySeal.objects.filter(user=user, team_key__team=group).exists()
    [event] = _refusals("team_key_grant_refused")
    assert event.actor_id == holder.pk and event.object_id == str(group.pk)
    assert event.detail == {"user": user.pk, "kind": group.kind}
    _no_personal_data(event, user)


@pytest.mark.parametrize("role", list(EXPECTED))
def test_escrow_recovery_regrants_only_what_the_roles_allow(programme, key_directory, role):
    user = programme.staff.make(f"new_{role}", roles=[role])
    for team in programme.teams.values():  # every team, written straight into the database
        Membership.objects.create(team=team, user=user)
    escrow_private = escrow.combine(key_directory["shares"][:3])
    recovery.regrant(user, escrow_private, public=keyring().escrow_public)
    held = set(TeamKeySeal.objects.filter(user=user).values_list("team_key__team__kind", flat=True))
    assert held == set(ROLE_TEAM_KINDS[role])
    refused = _refusals("escrow_regrant_refused")
    assert sorted(e.detail["kind"] for e in refused) == sorted(
        {t.kind for t in programme.teams.values()} - ROLE_TEAM_KINDS[role]
    )
    for event in refused:
        _no_personal_data(event, user)


def test_a_new_account_with_a_team_its_role_may_not_hold_is_not_created(programme):
    admin = programme.users["admin"]
    with pytest.raises(WrongRoleForKey):
        actions.create_staff_user(
            actor=admin,
            username="drone1",
            roles=["field_liaison"],
            teams=[programme.teams["intake"]],
        )
    assert not type(admin).objects.filter(username="drone1").exists()
    [event] = _refusals("team_member_refused")
    assert event.detail == {"user": None, "kind": "intake"}


@pytest.mark.parametrize("keyless", ["admin", "auditor"])
def test_an_admin_or_auditor_cannot_also_hold_a_role_that_opens_cases(programme, keyless):
    admin, user = programme.users["admin"], programme.users[keyless]
    with pytest.raises(WrongRoleForKey):
        actions.set_roles(actor=admin, user=user, roles=[keyless, "supervisor"])
    assert user.roles == [keyless]
    [event] = _refusals("roles_refused")
    assert event.object_id == str(user.pk) and event.detail == {
        "roles": sorted([keyless, "supervisor"])
    }
    # Two key-less roles together, or key roles together, are not refused by this rule.
    actions.set_roles(
        actor=admin, user=programme.users["operator"], roles=["operator", "case_officer"]
    )


@pytest.mark.parametrize("confined", ["field_liaison", "finance_officer"])
def test_a_field_liaison_made_also_an_operator_does_not_enter_an_intake_team(programme, confined):
    """The union of roles would let a field liaison (or finance officer) into an intake team
    through a second role: the combination itself is refused, on creation and on change."""
    admin, intake = programme.users["admin"], programme.teams["intake"]
    with pytest.raises(WrongRoleForKey):
        actions.create_staff_user(
            actor=admin, username="drone2", roles=[confined, "operator"], teams=[intake]
        )
    assert not type(admin).objects.filter(username="drone2").exists()
    user = programme.users[confined]
    for extra in ("operator", "case_officer", "supervisor"):
        with pytest.raises(WrongRoleForKey):
            actions.set_roles(actor=admin, user=user, roles=[confined, extra])
    assert user.roles == [confined]
    assert not Membership.objects.filter(team=intake, user=user).exists()
    assert len(_refusals("roles_refused")) == 4


def test_an_account_already_combining_field_and_intake_roles_holds_no_key(programme):
    """A field liaison role given beside operator outside set_roles (a group row, or before
    the refusal): his keys count for nothing and nobody can grant him one."""
    from django.contrib.auth.models import Group

    from tests.vault.conftest import make_case, unlocked
    from vault import possession

    operator, intake = programme.users["operator"], programme.teams["intake"]
    case = make_case(intake)
    assert access.holds(unlocked(operator), case)  # control
    operator.groups.add(Group.objects.get(name="field_liaison"))
    operator = type(operator).objects.get(pk=operator.pk)
    assert possession.teams_of(unlocked(operator)) == frozenset()
    assert not access.holds(operator, case)
    holder = programme.users["supervisor"]
    TeamKeySeal.objects.filter(user=operator).delete()
    with pytest.raises(WrongRoleForKey):
        team_keys.grant(intake, operator, actor=holder, actor_private=private_of(holder))


def test_a_role_taken_away_ends_the_memberships_it_allowed(programme):
    """A supervisor demoted to operator leaves planning: its key rotates without him."""
    admin, supervisor = programme.users["admin"], programme.users["supervisor"]
    planning = programme.teams["planning"]
    before = team_keys.active_key(planning)
    actions.set_roles(actor=admin, user=supervisor, roles=["operator"])
    assert list(supervisor.teams.values_list("kind", flat=True)) == ["intake"]
    after = team_keys.active_key(planning)
    assert after.version == before.version + 1
    assert not after.seals.filter(user=supervisor).exists()
    assert Event.objects.filter(action="team_member_removed", object_id=str(planning.pk)).exists()


def test_the_staff_form_shows_the_refusal_and_changes_nothing(programme):
    admin, operator = programme.users["admin"], programme.users["operator"]
    client = programme.staff.client(admin)
    client.cookies["corridor_language"] = "en"
    page = client.post(
        f"/staff/{operator.pk}/",
        {
            "operation": "save",
            "roles": ["field_liaison"],
            "teams": [programme.teams["intake"].pk],
            "is_active": "on",
        },
    )
    assert page.status_code == 200
    assert "may not hold the key of a team of this kind" in page.content.decode()
    assert operator.roles == ["operator"]
    assert Event.objects.filter(action="team_member_refused").exists()
