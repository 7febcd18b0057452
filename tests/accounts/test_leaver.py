"""A leaver loses his keys (issue 18, point 7).

The attacker is the leaver himself, or whoever has his password, the database and the key
directory: he unwraps the leaver's key pair through the vault functions and keeps every team
key he could open before he left. Nothing sealed after the deactivation opens with any of them.
"""

import pytest

from accounts import actions
from accounts.models import StaffSession
from audit.models import Event
from tests.factories import PASSWORD
from tests.vault.conftest import make_case, private_of, unlocked
from vault import crypto, records, teams
from vault import staff as staff_keys
from vault.models import RecordKey, TeamKeySeal
from vault.policy import IDENTITY


def _kept_keys(user) -> list[bytes]:
    """His own private key and every team private key sealed to him today."""
    private = staff_keys.unlock(user, PASSWORD)
    kept = [private]
    for seal in TeamKeySeal.objects.filter(user=user):
        kept.append(crypto.unseal(private, bytes(seal.sealed_private)))
    return kept


def _opens(keys: list[bytes], record) -> bool:
    for row in RecordKey.objects.filter(record=record):
        for key in keys:
            try:
                crypto.unseal(key, bytes(row.sealed_dek))
            except crypto.DecryptionFailed:
                continue
            return True
    return False


@pytest.fixture
def officer_named(programme):
    """The case officer holds the intake and planning keys and is named on a restricted case."""
    supervisor, officer = programme.users["supervisor"], programme.users["case_officer"]
    restricted = make_case(programme.teams["planning"])
    records.seal(restricted, IDENTITY, {"c": "before"}, kind="test")
    records.restrict(
        restricted, [supervisor, officer], actor=supervisor, actor_private=private_of(supervisor)
    )
    return officer, restricted


def _leave_and_check(programme, officer, restricted, leave) -> None:
    admin, supervisor = programme.users["admin"], programme.users["supervisor"]
    case = make_case(programme.teams["intake"])
    browser = programme.staff.client(officer)
    kept = _kept_keys(officer)
    assert len(kept) == 3  # his own, intake's, planning's
    before = records.seal(case, IDENTITY, {"c": "before"}, kind="note")
    restricted_before = records.seal(restricted, IDENTITY, {"c": "before"}, kind="note")
    assert _opens(kept, before) and _opens(kept, restricted_before)  # control

    leave(admin, officer)

    after = records.seal(case, IDENTITY, {"c": "after"}, kind="note")
    restricted_after = records.seal(restricted, IDENTITY, {"c": "after"}, kind="note")
    now = _kept_keys(officer)  # what today's database still gives his password: his key only
    assert now == kept[:1]
    for record in (after, restricted_after):
        assert not _opens(kept + now, record)
        assert records.can_open(unlocked(supervisor), record)  # the others read on
    # Later copies of the database give him nothing old either: his copies are gone.
    assert not _opens(now, before) and not _opens(now, restricted_before)
    assert not RecordKey.objects.filter(user=officer).exists()
    # His sessions are gone: no row, and his browser gets the login page.
    assert not StaffSession.objects.filter(user=officer).exists()
    response = browser.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    rotated = Event.objects.filter(action="team_key_rotated", actor=admin)
    assert set(rotated.values_list("object_id", flat=True)) == {
        str(programme.teams["intake"].pk),
        str(programme.teams["planning"].pk),
    }
    revoked = Event.objects.get(action="leaver_keys_revoked", object_id=str(officer.pk))
    assert revoked.actor == admin and revoked.detail["sessions_ended"] == 1
    assert revoked.detail["restricted_cases"] == 1
    unnamed = Event.objects.get(action="case_unnamed", object_id=restricted.number)
    # An event about a restricted case keeps its detail sealed to the case's holders.
    assert unnamed.detail == {} and unnamed.sealed


def test_a_deactivated_user_opens_nothing_sealed_after(programme, officer_named):
    officer, restricted = officer_named

    def deactivate(admin, user):
        actions.set_active(actor=admin, user=user, active=False)

    _leave_and_check(programme, officer, restricted, deactivate)
    officer.refresh_from_db()
    assert not officer.is_active
    # Nobody grants him a key again by clicking on a waiting member. (A member left without a
    # role is refused by the role table of keys-follow-roles, issue 18 point 4.)
    for team in (programme.teams["intake"], programme.teams["planning"]):
        assert officer not in teams.pending_members(team)
    assert officer.teams.count() == 2  # memberships stay; the keys do not
    assert Event.objects.get(action="leaver_keys_revoked").detail["reason"] == "deactivated"


def test_removing_the_last_role_takes_the_keys_too(programme, officer_named):
    officer, restricted = officer_named

    def strip_roles(admin, user):
        actions.set_roles(actor=admin, user=user, roles=[])

    _leave_and_check(programme, officer, restricted, strip_roles)
    assert Event.objects.get(action="leaver_keys_revoked").detail["reason"] == "last_role_removed"


@pytest.mark.parametrize("keyless", ["auditor", "admin"])
def test_a_named_officer_made_auditor_keeps_no_data_key(programme, officer_named, keyless):
    """Moved to a role that holds no key, he left his teams, but stayed named on the restricted
    case with his copies of its data keys: his password and a copy of the database opened it."""
    officer, restricted = officer_named

    def make_keyless(admin, user):
        actions.set_roles(actor=admin, user=user, roles=[keyless])

    _leave_and_check(programme, officer, restricted, make_keyless)
    assert Event.objects.get(action="leaver_keys_revoked").detail["reason"] == "keyless_roles"


@pytest.mark.parametrize("role", ["finance_officer", "field_liaison"])
def test_a_named_officer_moved_to_a_role_that_sees_no_case_keeps_no_data_key(
    programme, officer_named, role
):
    """Moved to finance (or the field), he may hold that team's key, but not stay named on a
    restricted case with copies of its identity data keys."""
    officer, restricted = officer_named
    assert RecordKey.objects.filter(user=officer).exists()  # control
    actions.set_roles(actor=programme.users["admin"], user=officer, roles=[role])
    assert not RecordKey.objects.filter(user=officer).exists()
    assert not restricted.grants.filter(user=officer).exists()
    assert Event.objects.filter(action="case_unnamed", object_id=restricted.number).exists()


def test_changing_one_role_of_several_takes_no_key(programme):
    officer = programme.users["case_officer"]
    actions.set_roles(
        actor=programme.users["admin"], user=officer, roles=["case_officer", "operator"]
    )
    actions.set_roles(actor=programme.users["admin"], user=officer, roles=["case_officer"])
    assert len(_kept_keys(officer)) == 3
    # Down to operator: keys follow roles, so only planning's key goes (issue 18, point 4);
    # he is no leaver.
    actions.set_roles(actor=programme.users["admin"], user=officer, roles=["operator"])
    assert len(_kept_keys(officer)) == 2
    assert not Event.objects.filter(action="leaver_keys_revoked").exists()


def test_a_deactivated_member_cannot_be_granted_a_key(programme):
    officer, supervisor = programme.users["case_officer"], programme.users["supervisor"]
    actions.set_active(actor=programme.users["admin"], user=officer, active=False)
    with pytest.raises(teams.NoTeamKey):
        teams.grant(
            programme.teams["intake"],
            officer,
            actor=supervisor,
            actor_private=private_of(supervisor),
        )


def test_escrow_recovery_gives_a_deactivated_leaver_no_key(programme, key_directory):
    from vault import escrow, recovery
    from vault.keys import keyring

    officer = programme.users["case_officer"]
    actions.set_active(actor=programme.users["admin"], user=officer, active=False)
    assert not TeamKeySeal.objects.filter(user=officer).exists()
    escrow_private = escrow.combine(key_directory["shares"][:3])
    with pytest.raises(recovery.Inactive):
        recovery.regrant(officer, escrow_private, public=keyring().escrow_public)
    assert not TeamKeySeal.objects.filter(user=officer).exists()
    assert Event.objects.filter(action="escrow_recovery_refused").exists()


def test_the_admin_page_deactivation_ends_every_session_row(programme):
    officer, admin = programme.users["case_officer"], programme.users["admin"]
    laptop, phone = programme.staff.client(officer), programme.staff.client(officer)
    assert StaffSession.objects.filter(user=officer).count() == 2
    programme.staff.client(admin).post(
        f"/staff/{officer.pk}/",
        {
            "roles": ["case_officer"],
            "teams": [t.pk for t in officer.teams.all()],
            "operation": "save",
        },
    )
    assert not StaffSession.objects.filter(user=officer).exists()
    for browser in (laptop, phone):
        assert browser.get("/").status_code == 302
