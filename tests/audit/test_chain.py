"""The audit log is append-only and its hash chain names the first broken link."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from audit import log
from audit.models import AuditError, Event


@pytest.fixture
def chain(db):
    for n in range(5):
        log.record("test_event", object_type="case", object_id=f"26-0000{n}", n=n)
    return list(Event.objects.order_by("seq"))


def _raw(sql, params=()):
    """Change the table behind the model's back, as someone with database access could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Django makes FKs DEFERRABLE INITIALLY DEFERRED: run their queued checks now,
            # or ALTER TABLE fails with "pending trigger events".
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_event DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_event ENABLE TRIGGER USER")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def test_it_verifies_an_intact_chain(chain):
    assert log.verify() == (5, None)
    assert [e.prev_hash for e in chain[1:]] == [e.hash for e in chain[:-1]]
    assert chain[0].prev_hash == log.GENESIS


def test_it_detects_an_edited_event(chain):
    _raw("UPDATE audit_event SET object_id = %s WHERE seq = 3", ["26-99999"])
    checked, broken = log.verify()
    assert checked == 2 and broken.seq == 3 and "changed" in broken.reason


def test_it_detects_an_edit_with_a_recomputed_hash(chain):
    """Someone holding audit.key (the web host) recomputes the edited event's link: the next
    event no longer follows it."""
    event = Event.objects.get(seq=2)
    event.detail = {"n": 99}
    event.body = log.body_of(event.at, event.detail, event.nonce)
    _raw(
        "UPDATE audit_event SET detail = %s, body = %s, hash = %s WHERE seq = 2",
        ['{"n": 99}', event.body, log.compute_hash(event)],
    )
    checked, broken = log.verify()
    assert broken.seq == 3 and "does not follow" in broken.reason


def test_it_detects_an_edited_detail_whose_digest_was_left(chain):
    _raw("UPDATE audit_event SET detail = %s WHERE seq = 2", ['{"n": 99}'])
    checked, broken = log.verify()
    assert checked == 1 and broken.seq == 2 and "changed" in broken.reason


def test_it_detects_a_deleted_event(chain):
    _raw("DELETE FROM audit_event WHERE seq = 4")
    checked, broken = log.verify()
    assert checked == 3 and broken.seq == 4 and "missing" in broken.reason


def test_it_detects_events_cut_off_the_end(chain):
    _raw("DELETE FROM audit_event WHERE seq = 5")
    checked, broken = log.verify()
    assert checked == 4 and broken is not None


def test_the_command_exits_non_zero_naming_the_broken_link(chain, capsys):
    call_command("audit", "verify")
    assert "intact: 5 events" in capsys.readouterr().out
    _raw("UPDATE audit_event SET action = %s WHERE seq = 2", ["other"])
    with pytest.raises(CommandError, match=r"event #2"):
        call_command("audit", "verify")


def test_the_model_refuses_updates_and_deletes(chain):
    event = Event.objects.get(seq=1)
    event.action = "changed"
    with pytest.raises(AuditError):
        event.save()
    with pytest.raises(AuditError):
        event.delete()
    with pytest.raises(AuditError):
        Event.objects.filter(seq=1).update(action="changed")
    with pytest.raises(AuditError):
        Event.objects.all().delete()
    assert log.verify() == (5, None)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
def test_the_database_refuses_raw_updates_on_postgresql(chain):
    from django.db.utils import ProgrammingError

    with pytest.raises(ProgrammingError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_event SET action = 'x' WHERE seq = 1")


@pytest.mark.parametrize("value", ["Иван Петров", "call me at +380 44 123", "x" * 200, {"a": 1}])
def test_it_refuses_free_text_in_details(db, value):
    with pytest.raises(log.UnsafeDetail) as error:
        log.record("test_event", note=value)
    assert str(value) not in str(error.value)  # the exception names the key, not the value


def test_it_serialises_appends_through_the_chain_head(db):
    for _ in range(3):
        log.record("test_event")
    from audit.models import ChainHead

    head = ChainHead.objects.get()
    assert head.seq == 3 and head.hash == Event.objects.get(seq=3).hash


def test_a_batch_of_events_chains_as_single_appends_do(chain):
    made = log.record_many(
        [log.pending("test_event", object_type="case", object_id="26-00009", n=n) for n in (1, 2)]
    )
    assert [e.seq for e in made] == [6, 7] and made[0].prev_hash == chain[-1].hash
    assert log.verify() == (7, None)
    from audit.models import ChainHead

    assert ChainHead.objects.get().hash == Event.objects.get(seq=7).hash


def test_a_batch_refuses_free_text_before_writing_anything(chain):
    with pytest.raises(log.UnsafeDetail):
        log.record_many([log.pending("test_event"), log.pending("test_event", note="Иван")])
    assert log.verify() == (5, None)


def test_it_shows_the_log_only_to_auditors(staff):
    auditor = staff.client(staff.persona("auditor"))
    auditor.cookies["corridor_language"] = "en"
    assert auditor.get("/audit/").status_code == 200
    page = auditor.get("/audit/?verify=1")
    assert "The chain is intact" in page.content.decode()
    assert Event.objects.filter(action="audit_verified").exists()
    for role in ("operator", "supervisor", "admin"):
        assert staff.client(staff.persona(role)).get("/audit/").status_code == 403


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
@pytest.mark.parametrize(
    "change",
    [
        "action = 'x'",  # anything besides the seal
        "nonce = '', detail = '{}', sealed = 'x', at = date_trunc('year', at), action = 'x'",
        "nonce = '', detail = '{}', sealed = 'x', at = at",  # the true time kept in clear
    ],
)
def test_the_database_allows_only_sealing_an_event_of_a_restricted_case(db, change):
    from django.db.utils import InternalError, ProgrammingError

    from cases.models import Case

    Case.objects.create(number="26-00077", channel="portal", restricted=True)
    log.record("test_event", object_type="case", object_id="26-00078")
    with pytest.raises((ProgrammingError, InternalError), match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE audit_event SET {change} WHERE seq = 1")  # noqa: S608
    # Not even the exact seal, on an event whose case is not restricted.
    seal = (
        "nonce = '', detail = '{}', sealed = 'x', "
        "at = date_trunc('year', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
    )
    with pytest.raises((ProgrammingError, InternalError), match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE audit_event SET {seal} WHERE seq = 1")  # noqa: S608
    Case.objects.filter(number="26-00077").update(number="26-00078")
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE audit_event SET {seal} WHERE seq = 1")  # noqa: S608
