"""Escrow: 5 word shares, any 3 rebuild the key; recovery re-grants and keeps nothing."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts import actions
from audit.models import Event
from vault import crypto, escrow, records, staff
from vault.keys import keyring
from vault.policy import IDENTITY

from .conftest import make_case


def test_three_shares_rebuild_the_key_and_two_do_not(key_directory):
    shares = key_directory["shares"]
    assert len(shares) == 5
    for three in (shares[:3], shares[2:], [shares[0], shares[2], shares[4]]):
        assert crypto.public_of(escrow.combine(three)) == keyring().escrow_public
    with pytest.raises(escrow.BadShares):
        escrow.combine(shares[:2])


def test_a_mistyped_share_fails(key_directory):
    shares = list(key_directory["shares"][:3])
    words = shares[1].split()
    words[5] = "academic" if words[5] != "academic" else "acid"
    shares[1] = " ".join(words)
    with pytest.raises(escrow.BadShares):
        escrow.combine(shares)


def _recover(username: str, shares: list[str]) -> str:
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdin", io.StringIO("\n".join(shares) + "\n"))
        call_command("keys", "recover", "--user", username, stdout=out)
    return out.getvalue()


def test_recovery_regrants_a_user_who_forgot_his_password(programme, key_directory):
    intake = programme.teams["intake"]
    record = records.seal(make_case(intake), IDENTITY, {"n": 1}, kind="answers")
    operator = programme.users["operator"]
    temporary = actions.reset_password(actor=programme.users["admin"], user=operator)
    assert not records.can_open(operator, record)  # new key pair, grants dropped
    output = _recover("operator", key_directory["shares"][1:4])
    assert "escrow key is forgotten" in output
    dek = records.data_key(operator, staff.unlock(operator, temporary), record)
    assert records.decrypt(record, dek) == {"n": 1}
    event = Event.objects.filter(action="escrow_recovery").get()
    assert event.object_id == str(operator.pk) and event.detail["team_keys"] >= 1


def test_recovery_with_two_shares_fails_and_is_audited(programme, key_directory):
    with pytest.raises(CommandError):
        _recover("operator", key_directory["shares"][:2] + [""])
    assert Event.objects.filter(action="escrow_recovery_failed").exists()


def test_recovery_refuses_another_programmes_shares(programme):
    other_private, _public = crypto.new_keypair()
    with pytest.raises(CommandError, match="not this programme"):
        _recover("operator", escrow.split(other_private)[:3])


def test_recovery_never_gives_an_escort_task_to_named_users(programme, key_directory):
    from vault.policy import ESCORT

    supervisor = programme.users["supervisor"]
    case = make_case(programme.teams["planning"])
    task = records.seal(
        case, ESCORT, {"point": "x"}, kind="task", field_unit=programme.teams["field"]
    )
    from .conftest import private_of

    records.restrict(case, [supervisor], actor=supervisor, actor_private=private_of(supervisor))
    _recover("supervisor", key_directory["shares"][:3])
    assert not records.can_open(supervisor, task)
    assert records.can_open(programme.users["field_liaison"], task)
