"""Signed checkpoints catch what the chain alone cannot: a rewrite of the whole chain."""

import io
import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audit import checkpoint, log
from audit.models import ChainHead, Event
from tests.audit.test_chain import _raw
from vault import crypto, signing

LINE = re.compile(
    r"corridor-audit-checkpoint v1 [0-9]+ [0-9a-f]{64} "
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z [A-Za-z0-9+/]{86}=="
)


@pytest.fixture
def chain(db):
    for n in range(5):
        log.record("test_event", object_type="case", object_id=f"26-0000{n}", n=n)
    return list(Event.objects.order_by("seq"))


@pytest.fixture
def kept(chain, tmp_path):
    """A checkpoint of events 1-5, appended to a file as the daily timer does."""
    path = tmp_path / "checkpoints"
    call_command("audit", "checkpoint", "--output", str(path), stdout=io.StringIO())
    return path


def _checkpoint(*args) -> str:
    out = io.StringIO()
    call_command("audit", "checkpoint", *args, stdout=out)
    return out.getvalue().strip()


def _verify(*paths) -> str:
    out = io.StringIO()
    args = [arg for path in paths for arg in ("--checkpoints", str(path))]
    call_command("audit", "verify", *args, stdout=out)
    return out.getvalue()


def _rewrite_from(seq: int, detail: dict) -> None:
    """Edit event #seq and recompute every later link and the chain head, as someone with full
    write access to the database *and* audit.key (the web host) could: the chain is then
    consistent again."""
    prev = Event.objects.get(seq=seq).prev_hash
    for event in Event.objects.filter(seq__gte=seq).order_by("seq"):
        if event.seq == seq:
            event.detail = detail
            event.body = log.body_of(event.at, event.detail, event.nonce)
        event.prev_hash = prev
        event.hash = log.compute_hash(event)
        _raw(
            "UPDATE audit_event SET detail = %s, body = %s, prev_hash = %s, hash = %s "
            "WHERE seq = %s",
            [json.dumps(event.detail), event.body, event.prev_hash, event.hash, event.seq],
        )
        prev = event.hash
    ChainHead.objects.filter(pk=1).update(hash=prev)


def test_it_prints_a_signed_checkpoint_that_verifies(chain, tmp_path):
    line = _checkpoint()
    assert LINE.fullmatch(line)
    parsed = checkpoint.parse(line, "test")
    assert (parsed.seq, parsed.hash) == (5, chain[-1].hash)
    path = tmp_path / "kept"
    path.write_text(line + "\n")
    assert "intact: 6 events, matching 1 checkpoint" in _verify(path)


def test_it_covers_the_chain_before_its_own_event(chain):
    line = _checkpoint()
    event = Event.objects.get(action="audit_checkpoint")
    assert event.seq == 6 and event.actor_id is None
    assert event.detail == {"seq": 5, "hash": chain[-1].hash}
    assert event.prev_hash == chain[-1].hash
    assert f" 5 {chain[-1].hash} " in line


def test_it_appends_each_checkpoint_to_the_output_file(kept):
    log.record("test_event", n=6)
    _checkpoint("--output", str(kept))
    lines = kept.read_text().splitlines()
    assert len(lines) == 2 and all(LINE.fullmatch(line) for line in lines)
    assert [checkpoint.parse(line, "t").seq for line in lines] == [5, 7]
    assert kept.stat().st_mode & 0o777 == 0o600
    assert "matching 2 checkpoints" in _verify(kept)


def test_it_records_no_checkpoint_it_could_not_keep(chain, tmp_path):
    with pytest.raises(CommandError, match="cannot append"):
        _checkpoint("--output", str(tmp_path / "missing-dir" / "checkpoints"))
    assert not Event.objects.filter(action="audit_checkpoint").exists()


def test_a_rewritten_chain_is_caught_only_with_the_checkpoint(kept):
    _rewrite_from(2, {"n": 99})
    assert log.verify() == (6, None)  # the chain alone looks intact
    assert "audit chain intact" in _verify()
    with pytest.raises(CommandError) as error:
        _verify(kept)
    message = str(error.value)
    assert f"checkpoint {kept}:1 (event #5)" in message and "rewritten" in message
    assert Event.objects.order_by("-seq").first().detail["intact"] is False


def test_a_rewrite_from_the_first_event_is_caught(kept):
    _rewrite_from(1, {"n": 42})
    assert log.verify()[1] is None
    with pytest.raises(CommandError, match=r"event #5\): its hash is not the signed one"):
        _verify(kept)


def test_events_cut_off_the_end_are_caught_by_a_later_checkpoint(kept, chain):
    _raw("DELETE FROM audit_event WHERE seq >= 5")
    ChainHead.objects.filter(pk=1).update(seq=4, hash=chain[3].hash)
    assert log.verify() == (4, None)
    with pytest.raises(CommandError, match=r"event #5\): its own .* \(the chain ends at event #4"):
        _verify(kept)


def test_it_checks_every_file_given(kept, tmp_path):
    log.record("test_event", n=6)
    later = tmp_path / "later"
    later.write_text(_checkpoint() + "\n")
    assert "matching 2 checkpoints" in _verify(kept, later)
    _rewrite_from(7, {"n": 66})  # after the first checkpoint (and its event #6), before the second
    assert "matching 1 checkpoint" in _verify(kept)
    with pytest.raises(CommandError, match=rf"checkpoint {re.escape(str(later))}:1 "):
        _verify(kept, later)


def test_it_reads_checkpoints_from_standard_input(kept, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(kept.read_text()))
    assert "matching 1 checkpoint" in _verify("-")


def _tamper(line: str, field: int, value: str) -> str:
    parts = line.split(" ")
    parts[field] = value
    return " ".join(parts)


@pytest.mark.parametrize(
    "field, value",
    [
        (2, "4"),  # another seq
        (3, "f" * 64),  # another hash
        (4, "2000-01-01T00:00:00Z"),  # another time
    ],
)
def test_it_refuses_an_altered_checkpoint(kept, field, value):
    kept.write_text(_tamper(kept.read_text().strip(), field, value) + "\n")
    count = Event.objects.count()
    with pytest.raises(CommandError, match=r":1 \(event #[0-9]+\) is not signed by this program"):
        _verify(kept)
    assert Event.objects.count() == count  # refused before anything is concluded or recorded


def test_it_refuses_a_checkpoint_signed_with_another_key(kept):
    line = kept.read_text().strip()
    parsed = checkpoint.parse(line, "t")
    seed, _ = crypto.signing_keypair()
    forged = checkpoint.Checkpoint(
        seq=parsed.seq,
        hash=parsed.hash,
        at=parsed.at,
        signature=crypto.sign(seed, b"corridor-audit-checkpoint-v1\n" + parsed.statement()),
    )
    kept.write_text(forged.line() + "\n")
    with pytest.raises(CommandError, match="not signed by this programme's key"):
        _verify(kept)


def test_a_signature_made_for_something_else_does_not_pass_as_a_checkpoint(kept):
    parsed = checkpoint.parse(kept.read_text().strip(), "t")
    # The programme's own key, but without the checkpoint prefix (as a key statement is signed).
    other = checkpoint.Checkpoint(
        seq=parsed.seq, hash=parsed.hash, at=parsed.at, signature=signing.sign(parsed.statement())
    )
    kept.write_text(other.line() + "\n")
    with pytest.raises(CommandError, match="not signed"):
        _verify(kept)


def test_it_refuses_a_garbled_line_without_echoing_it(kept):
    kept.write_text("# kept off the host\n\n" + kept.read_text() + "Иван Петров +380 44 123\n")
    with pytest.raises(CommandError) as error:
        _verify(kept)
    assert f"{kept}:4 is not an audit checkpoint line" in str(error.value)
    assert "Иван" not in str(error.value) and "380" not in str(error.value)


def test_it_names_a_missing_checkpoints_file(chain, tmp_path):
    with pytest.raises(CommandError, match="cannot read checkpoints from"):
        _verify(tmp_path / "nowhere")


def test_its_output_holds_no_personal_data(staff, tmp_path):
    officer = staff.persona("operator")
    officer.first_name, officer.last_name = "Olena", "Kovalenko"
    officer.save(update_fields=["first_name", "last_name"])
    log.record("test_event", actor=officer, object_type="user", object_id=officer.pk)
    line = _checkpoint("--output", str(tmp_path / "kept"))
    assert LINE.fullmatch(line)
    assert (tmp_path / "kept").read_text() == line + "\n"
    event = Event.objects.get(action="audit_checkpoint")
    assert set(event.detail) == {"seq", "hash"} and event.actor_id is None
    report = _verify(tmp_path / "kept")
    for text in (line, report):
        for value in (officer.username, "Olena", "Kovalenko"):
            assert value not in text
