"""Team keys: pending grants, rotation on removal, re-keying older records."""

import pytest

from accounts import actions
from accounts.models import Team
from audit.models import Event
from vault import crypto, records, teams
from vault.models import RecordKey, TeamKey, TeamKeySeal
from vault.policy import IDENTITY

from .conftest import make_case, private_of


def test_a_new_member_waits_for_a_grant(programme):
    intake = programme.teams["intake"]
    case = make_case(intake)
    before = records.seal(case, IDENTITY, {"n": 1}, kind="answers")  # creates the team key
    newcomer = programme.staff.make("newcomer", roles=["operator"], teams=[intake])
    assert newcomer in teams.pending_members(intake)
    assert not records.can_open(newcomer, before)
    operator = programme.users["operator"]
    teams.grant(intake, newcomer, actor=operator, actor_private=private_of(operator))
    assert newcomer not in teams.pending_members(intake)
    assert records.decrypt(before, records.data_key(newcomer, private_of(newcomer), before)) == {
        "n": 1
    }
    assert Event.objects.filter(action="team_key_granted", object_id=str(intake.pk)).exists()


def test_only_a_holder_of_the_team_key_can_grant(programme):
    intake = programme.teams["intake"]
    teams.active_key(intake)
    newcomer = programme.staff.make("newcomer", roles=["operator"], teams=[intake])
    finance = programme.users["finance_officer"]
    with pytest.raises(teams.NoTeamKey):
        teams.grant(intake, newcomer, actor=finance, actor_private=private_of(finance))


def test_a_removed_member_cannot_open_a_case_created_after_removal(programme):
    intake = programme.teams["intake"]
    operator, admin = programme.users["operator"], programme.users["admin"]
    old = records.seal(make_case(intake), IDENTITY, {"n": "old"}, kind="answers")
    # Suppose he kept the team key he held before removal.
    kept = teams.team_private(teams.active_key(intake), operator, private_of(operator))
    actions.remove_member(actor=admin, team=intake, user=operator)
    assert TeamKey.objects.filter(team=intake, retired_at=None).get().version == 2
    new = records.seal(make_case(intake), IDENTITY, {"n": "new"}, kind="answers")
    assert not records.can_open(operator, new)
    assert not records.can_open(operator, old)  # his seals of every version are gone
    assert not TeamKeySeal.objects.filter(user=operator, team_key__team=intake).exists()
    with pytest.raises(records.NoAccess):
        records.data_key(operator, private_of(operator), new)
    # Even the kept key opens none of the new record's sealed data keys.
    for row in new.keys.all():
        with pytest.raises(crypto.DecryptionFailed):
            crypto.unseal(kept, bytes(row.sealed_dek))
    assert set(
        new.keys.filter(team_key__team=intake).values_list("team_key__version", flat=True)
    ) == {2}
    # The members who stayed read both.
    supervisor = programme.users["supervisor"]
    for record in (old, new):
        assert records.can_open(supervisor, record)


def test_rekey_team_moves_old_records_to_the_new_key(programme):
    intake = programme.teams["intake"]
    admin, supervisor = programme.users["admin"], programme.users["supervisor"]
    old = records.seal(make_case(intake), IDENTITY, {"n": "old"}, kind="answers")
    actions.remove_member(actor=admin, team=intake, user=programme.users["operator"])
    moved = teams.rekey(intake, actor=supervisor, actor_private=private_of(supervisor))
    assert moved == 1
    active = TeamKey.objects.get(team=intake, retired_at=None)
    assert set(old.keys.filter(team_key__team=intake).values_list("team_key", flat=True)) == {
        active.pk
    }
    assert not TeamKeySeal.objects.filter(team_key__team=intake).exclude(team_key=active).exists()
    assert records.decrypt(old, records.data_key(supervisor, private_of(supervisor), old)) == {
        "n": "old"
    }
    assert Event.objects.filter(action="team_rekeyed").exists()


def test_the_rekey_command_needs_a_members_password(programme, monkeypatch):
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    intake = programme.teams["intake"]
    records.seal(make_case(intake), IDENTITY, {"n": 1}, kind="answers")
    actions.remove_member(
        actor=programme.users["admin"], team=intake, user=programme.users["operator"]
    )
    monkeypatch.setattr("sys.stdin", io.StringIO("wrong password\n"))
    with pytest.raises(CommandError, match="wrong password"):
        call_command("keys", "rekey-team", "Intake", "--user", "supervisor")
    from tests.factories import PASSWORD

    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    out = io.StringIO()
    call_command("keys", "rekey-team", "Intake", "--user", "supervisor", stdout=out)
    assert "1 records re-sealed" in out.getvalue()


def test_a_removed_member_cannot_be_granted_again(programme):
    intake = programme.teams["intake"]
    operator, supervisor = programme.users["operator"], programme.users["supervisor"]
    actions.remove_member(actor=programme.users["admin"], team=intake, user=operator)
    with pytest.raises(teams.NoTeamKey):
        teams.grant(intake, operator, actor=supervisor, actor_private=private_of(supervisor))


def test_a_new_team_key_is_sealed_to_escrow_only(programme):
    """The server never adds a reader: a member an admin puts in a new team waits too."""
    admin = programme.users["admin"]
    operator = programme.staff.make("newcomer", roles=["operator"])
    team = actions.create_team(actor=admin, name="Intake 2", kind="intake")
    actions.add_member(actor=admin, team=team, user=operator)
    key = teams.active_key(team)
    assert list(key.seals.values_list("user", flat=True)) == [None]
    assert operator in teams.pending_members(team)
    record = records.seal(make_case(team), IDENTITY, {"n": 1}, kind="answers")
    assert not records.can_open(operator, record)


def test_a_team_without_a_key_gets_one_when_a_record_is_sealed_to_it(programme):
    second = Team.objects.create(name="Planning 2", kind=Team.Kind.PLANNING)
    record = records.seal(make_case(programme.teams["intake"]), IDENTITY, {"n": 1}, kind="answers")
    key = teams.active_key(second)
    assert key.version == 1 and not key.seals.exclude(user=None).exists()
    sealed_to = set(record.keys.filter(kind=RecordKey.Kind.TEAM).values_list("team_key", flat=True))
    expected = {teams.active_key(programme.teams[t]).pk for t in ("intake", "planning")}
    assert sealed_to == expected | {key.pk}
