"""Someone who can write to the database, but not read the key directory, cannot rewrite the
audit chain unnoticed: links are keyed with audit.key, actors are named by id *and* by the name
they had, and checkpoints are kept hourly and after every key operation."""

import hashlib
import io
import json
import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User
from audit import checkpoint, log
from audit.models import ChainHead, Event
from tests.audit.test_chain import _raw
from vault import crypto, keys
from vault import teams as team_keys


@pytest.fixture
def chain(staff):
    alice, bob = staff.make("alice", roles=["operator"]), staff.make("bob", roles=["operator"])
    # Making them wrote events of its own: start the chain afresh, for readable numbers.
    _raw("DELETE FROM audit_event")
    ChainHead.objects.all().delete()
    for n in range(6):
        log.record("test_event", actor=alice if n % 2 else bob, object_type="case", n=n)
    return alice, bob


def _verify() -> str:
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def _rechain_from(seq: int, detail: dict, link) -> None:
    """Edit event #seq and recompute its digest, every later link and the chain head with
    ``link`` (what a database writer can compute without audit.key)."""
    prev = Event.objects.get(seq=seq).prev_hash
    for event in Event.objects.filter(seq__gte=seq).order_by("seq"):
        if event.seq == seq:
            event.detail = detail
            event.body = log.body_of(event.at, event.detail, event.nonce)
        event.prev_hash = prev
        event.hash = prev = link(event)
        _raw(
            "UPDATE audit_event SET detail = %s, body = %s, prev_hash = %s, hash = %s "
            "WHERE seq = %s",
            [json.dumps(event.detail), event.body, event.prev_hash, event.hash, event.seq],
        )
    ChainHead.objects.filter(pk=1).update(hash=prev)


def _plain_sha256(event) -> str:  # the pre-key formula, which anyone can compute
    return hashlib.sha256(log.canonical(log.keyed_fields(event))).hexdigest()


def _guessed_key(event) -> str:  # a key of the attacker's own
    return crypto.keyed_hash(b"k" * 32, log.canonical(log.keyed_fields(event))).hex()


@pytest.mark.parametrize("link", [_plain_sha256, _guessed_key])
def test_a_rechain_after_an_edit_is_caught_without_the_key(chain, link):
    assert "intact: 6 events" in _verify()
    _rechain_from(3, {"n": 33}, link)
    with pytest.raises(CommandError, match=r"broken at event #3: content was changed"):
        _verify()


def test_deleting_events_after_the_last_checkpoint_is_caught(chain):
    checkpoint.keep()  # as the hourly timer does: covers events 1-6, its own event is #7
    log.record("test_event", n=7)
    assert "matching 1 checkpoint" in _verify()
    # Cut the chain back to event #5 and make the head agree: the chain alone is consistent.
    _raw("DELETE FROM audit_event WHERE seq >= 6")
    ChainHead.objects.filter(pk=1).update(seq=5, hash=Event.objects.get(seq=5).hash)
    assert log.verify()[1] is None
    with pytest.raises(CommandError, match=r"\(event #6\): its own audit_checkpoint event #7"):
        _verify()


def test_cutting_back_to_just_before_a_checkpoints_own_event_is_caught(chain):
    checkpoint.keep()
    _raw("DELETE FROM audit_event WHERE seq >= 7")
    ChainHead.objects.filter(pk=1).update(seq=6, hash=Event.objects.get(seq=6).hash)
    with pytest.raises(CommandError, match=r"its own audit_checkpoint event #7 is missing"):
        _verify()


def test_the_residual_window_is_what_came_after_the_last_checkpoint(chain):
    """Stated in docs/threat-model.md: events written after the newest checkpoint's own event
    can still be cut off by a database writer until the next checkpoint (at most an hour, or
    the next key operation). This test pins the window's edge, so a change to it is seen."""
    checkpoint.keep()
    log.record("test_event", n=8)
    _raw("DELETE FROM audit_event WHERE seq = 8")
    ChainHead.objects.filter(pk=1).update(seq=7, hash=Event.objects.get(seq=7).hash)
    assert "intact: 7 events, matching 1 checkpoint" in _verify()


def test_a_key_operation_keeps_a_checkpoint_at_once(
    programme, audit_checkpoints, django_capture_on_commit_callbacks
):
    team, actor = programme.teams["intake"], programme.users["supervisor"]
    with django_capture_on_commit_callbacks(execute=True):
        team_keys.rotate(team, actor=actor)
    rotated = Event.objects.get(action="team_key_rotated")
    lines = checkpoint.read(audit_checkpoints.read_text().splitlines(), "kept")
    assert [c.seq for c in lines] == [rotated.seq]
    # Deleting the rotation (and everything after it) is caught, though no timer ran.
    _raw("DELETE FROM audit_event WHERE seq >= %s", [rotated.seq])
    ChainHead.objects.filter(pk=1).update(
        seq=rotated.seq - 1, hash=Event.objects.get(seq=rotated.seq - 1).hash
    )
    with pytest.raises(CommandError, match="does not match checkpoint"):
        _verify()


@pytest.mark.parametrize("operation", ["case_restricted", "staff_key_replaced"])
def test_deleting_a_restriction_or_key_replacement_is_caught_at_once(
    programme, audit_checkpoints, django_capture_on_commit_callbacks, operation
):
    """Naming people on a restricted case seals data keys to them; a password reset replaces
    a key pair and drops its grants: both are key operations, checkpointed at once, so a
    database writer cannot delete them in the hour before the timer's checkpoint."""
    from accounts import actions
    from tests.vault.conftest import make_case, private_of
    from vault import records

    supervisor = programme.users["supervisor"]
    with django_capture_on_commit_callbacks(execute=True):
        if operation == "case_restricted":
            case = make_case(programme.teams["planning"])
            records.restrict(
                case, [supervisor], actor=supervisor, actor_private=private_of(supervisor)
            )
        else:
            actions.reset_password(actor=programme.users["admin"], user=supervisor)
    done = Event.objects.get(action=operation)
    lines = checkpoint.read(audit_checkpoints.read_text().splitlines(), "kept")
    assert lines and lines[-1].seq >= done.seq
    _raw("DELETE FROM audit_event WHERE seq >= %s", [done.seq])
    ChainHead.objects.filter(pk=1).update(
        seq=done.seq - 1, hash=Event.objects.get(seq=done.seq - 1).hash
    )
    with pytest.raises(CommandError, match="does not match checkpoint"):
        _verify()


def test_a_username_swap_is_caught(chain):
    alice, bob = chain
    assert Event.objects.filter(actor=alice).first().actor_name == "alice"
    # Swap the two names, so old events of alice's seem to name bob and the reverse.
    User.objects.filter(pk=alice.pk).update(username="tmp-swap")
    User.objects.filter(pk=bob.pk).update(username="alice")
    User.objects.filter(pk=alice.pk).update(username="bob")
    with pytest.raises(CommandError, match=r"names user #\d+, who is now called otherwise"):
        _verify()


def test_an_actor_name_edited_in_an_event_breaks_its_link(chain):
    alice, _bob = chain
    seq = Event.objects.filter(actor=alice).order_by("seq").first().seq
    _raw("UPDATE audit_event SET actor_name = %s WHERE seq = %s", ["bob", seq])
    with pytest.raises(CommandError, match=rf"broken at event #{seq}: content was changed"):
        _verify()


def test_user_ids_are_never_reused(db):
    first = User.objects.create(username="leaver")
    gone = first.pk
    first.delete()
    assert User.objects.create(username="newcomer").pk > gone


def test_the_server_does_not_start_without_the_audit_key(key_directory, tmp_path):
    copy = tmp_path / "keys"
    shutil.copytree(key_directory["path"], copy)
    (copy / "audit.key").unlink()
    assert any("audit.key is missing" in p and "add-audit-key" in p for p in keys.problems(copy))


def test_an_older_install_adds_its_key_and_keeps_its_plain_links(
    key_directory, settings, tmp_path, db
):
    copy = tmp_path / "keys"
    shutil.copytree(key_directory["path"], copy)
    (copy / "audit.key").unlink()
    (copy / keys.AUDIT_SINCE).write_text("1000000")  # every event so far: plain SHA-256
    # Before the key: a ring that keys nothing (the old install).
    (copy / "audit.key").write_bytes(b"\0" * 32)
    settings.CORRIDOR_KEY_DIR = str(copy)
    keys.reload()
    try:
        for n in range(3):
            log.record("test_event", n=n)
        (copy / "audit.key").unlink()
        (copy / keys.AUDIT_SINCE).unlink()
        keys.reload()
        call_command("keys", "add-audit-key", stdout=io.StringIO())
        assert keys.keyring().audit_since == 4
        log.record("test_event", n=5)
        assert "intact: 5 events" in _verify()
        assert Event.objects.get(seq=3).body == "" and Event.objects.get(seq=5).body
        with pytest.raises(CommandError, match="refusing to overwrite"):
            call_command("keys", "add-audit-key", stdout=io.StringIO())
        # A keyed event cannot be turned back into a plain one.
        _rechain_from(5, {"n": 55}, _plain_sha256)
        with pytest.raises(CommandError, match=r"event #5"):
            _verify()
    finally:
        settings.CORRIDOR_KEY_DIR = str(key_directory["path"])
        keys.reload()


def test_a_checkpoint_that_cannot_be_kept_does_not_undo_the_key_operation(
    programme, settings, tmp_path, caplog, django_capture_on_commit_callbacks
):
    settings.CORRIDOR_AUDIT_CHECKPOINTS = str(tmp_path / "missing" / "checkpoints")
    team, actor = programme.teams["intake"], programme.users["supervisor"]
    with django_capture_on_commit_callbacks(execute=True):
        key = team_keys.rotate(team, actor=actor)
    assert key.version == 2 and Event.objects.filter(action="team_key_rotated").exists()
    assert not Event.objects.filter(action="audit_checkpoint").exists()
    assert "audit checkpoint after a key operation not kept" in caplog.text
