"""Public keys carry the programme's signature; a key slipped into the database is refused."""

import pytest

from vault import codenames, crypto, records, signing, teams
from vault.models import ApplicantKey, StaffKey, TeamKey
from vault.policy import CORRESPONDENCE, IDENTITY

from .conftest import make_case, private_of


def test_a_swapped_team_key_is_refused_before_sealing(programme):
    intake = programme.teams["intake"]
    _private, forged = crypto.new_keypair()
    TeamKey.objects.filter(team=intake, retired_at=None).update(public_key=forged)
    with pytest.raises(signing.ForgedKey):
        records.seal(make_case(intake), IDENTITY, {"n": 1}, kind="answers")


def test_a_team_key_swapped_after_a_checked_seal_is_refused(programme):
    """The result of a signature check is kept per process, but only for the exact bytes."""
    intake = programme.teams["intake"]
    records.seal(make_case(intake), IDENTITY, {"n": 1}, kind="answers")
    _private, forged = crypto.new_keypair()
    TeamKey.objects.filter(team=intake, retired_at=None).update(public_key=forged)
    with pytest.raises(signing.ForgedKey):
        records.seal(make_case(intake), IDENTITY, {"n": 2}, kind="answers")


def test_an_inserted_higher_team_key_version_is_refused(programme):
    intake = programme.teams["intake"]
    _private, forged = crypto.new_keypair()
    current = teams.active_key(intake)
    TeamKey.objects.filter(pk=current.pk).update(retired_at=current.created_at)
    TeamKey.objects.create(
        team=intake,
        version=current.version + 1,
        public_key=forged,
        signature=bytes(current.signature),
    )
    with pytest.raises(signing.ForgedKey):
        records.seal(make_case(intake), IDENTITY, {"n": 1}, kind="answers")


def test_a_swapped_staff_key_is_refused_for_a_grant(programme):
    intake = programme.teams["intake"]
    newcomer = programme.staff.make("newcomer", roles=["operator"], teams=[intake])
    _private, forged = crypto.new_keypair()
    StaffKey.objects.filter(user=newcomer).update(public_key=forged)
    supervisor = programme.users["supervisor"]
    with pytest.raises(signing.ForgedKey):
        teams.grant(intake, newcomer, actor=supervisor, actor_private=private_of(supervisor))


def test_a_swapped_applicant_key_is_refused(programme):
    case = make_case(programme.teams["intake"])
    secret = codenames.derive(codenames.parse(codenames.new_codename()).words)
    codenames.register(case, secret)
    _private, forged = crypto.new_keypair()
    ApplicantKey.objects.filter(case=case).update(public_key=forged)
    with pytest.raises(signing.ForgedKey):
        records.seal(case, CORRESPONDENCE, {"text": "reply"}, kind="message")


def test_a_signature_is_bound_to_its_owner(programme):
    """Copying one user's key and signature onto another user's row does not verify."""
    a, b = programme.users["operator"], programme.users["auditor"]
    key_a = StaffKey.objects.get(user=a)
    StaffKey.objects.filter(user=b).update(
        public_key=bytes(key_a.public_key), signature=bytes(key_a.signature)
    )
    with pytest.raises(signing.ForgedKey):
        signing.trusted_public(StaffKey.objects.get(user=b))
