"""Append events to the hash-chained audit log, and verify the chain.

Every sensitive action in Corridor calls ``record`` inside the transaction that makes the
change, so the event and the change commit together or not at all.
"""

import hashlib
import json
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import models, transaction
from django.utils import timezone

from audit.models import ChainHead, Event
from vault import crypto
from vault.keys import keyring

GENESIS = "0" * 64
# After these, a checkpoint is kept as soon as they commit (audit/checkpoint.py).
KEY_OPERATIONS = frozenset(
    {
        "keys_initialised",
        "audit_key_added",
        "team_key_granted",
        "team_key_rotated",
        "team_rekeyed",
        "escrow_recovery",
        # A user's key pair made or replaced (his grants dropped), data keys sealed to the
        # people named on a restricted case, an escort task's keys destroyed.
        "staff_key_created",
        "staff_key_replaced",
        "case_restricted",
        "case_resealed",
        "escort_task_keys_deleted",
    }
)
_LINK = b"corridor-audit"  # BLAKE2b personalisation of the keyed links

# Detail values are identifiers, codes and counts. A value that could carry free text (spaces,
# Cyrillic, long strings) is refused, so a careless caller cannot put a name or a message into
# the log. Exception text names the key, never the value.
_SAFE_TEXT = re.compile(r"^[A-Za-z0-9_.:@/+\-]{0,80}$")
_SAFE_KEY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


class UnsafeDetail(ValueError):
    pass


def _check_value(key: str, value) -> None:
    if value is None or isinstance(value, bool | int):
        return
    if isinstance(value, str) and _SAFE_TEXT.match(value):
        return
    if isinstance(value, list | tuple) and len(value) <= 50:
        for item in value:
            _check_value(key, item)
        return
    raise UnsafeDetail(f"audit detail {key!r} must be an identifier, a number or a list of them")


def canonical(fields: dict) -> bytes:
    """The bytes an event's hash covers: sorted-key compact JSON, UTF-8."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def year_start(at: datetime) -> datetime:
    return datetime(at.astimezone(UTC).year, 1, 1, tzinfo=UTC)


def event_fields(event: Event) -> dict:
    """What a link covered before ``audit.key`` existed (events before ``audit_since``)."""
    return {
        "seq": event.seq,
        "at": _iso(event.at),
        "actor": event.actor_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "detail": event.detail,
        "prev": event.prev_hash,
    }


def body_of(at: datetime | str, detail: dict, nonce: str) -> str:
    """The digest a keyed link covers in place of the time and detail. The random nonce keeps
    a sealed event's time from being guessed back out of its digest."""
    at = at if isinstance(at, str) else _iso(at)
    return hashlib.sha256(canonical({"at": at, "detail": detail, "nonce": nonce})).hexdigest()


def keyed_fields(event: Event) -> dict:
    """What a keyed link covers: everything but the time and detail, which enter through
    ``body``; the year is covered in clear, since a sealed event keeps it."""
    return {
        "seq": event.seq,
        "year": event.at.astimezone(UTC).year,
        "actor": event.actor_id,
        "actor_name": event.actor_name,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "body": event.body,
        "prev": event.prev_hash,
    }


def compute_hash(event: Event) -> str:
    """The event's link: keyed BLAKE2b under ``audit.key`` (a database writer without the key
    directory cannot recompute it), or plain SHA-256 for events written before the key."""
    ring = keyring()
    if event.seq < ring.audit_since:
        return hashlib.sha256(canonical(event_fields(event))).hexdigest()
    return crypto.keyed_hash(ring.audit_key, canonical(keyed_fields(event)), person=_LINK).hex()


@dataclass(frozen=True)
class Pending:
    """An event checked and ready to append (``pending``); ``record_many`` chains it."""

    action: str
    actor_id: object
    object_type: str
    object_id: str
    detail: dict
    actor_name: str = ""
    seal_to: bytes | None = None  # a restricted case's audit public key


def _actor_name(actor) -> str:
    if actor is None:
        return ""
    if hasattr(actor, "username"):
        return actor.username
    from accounts.models import User

    return User.objects.filter(pk=actor).values_list("username", flat=True).first() or ""


def _case_seal_key(case_or_number) -> bytes | None:
    """The public key sealing events about a restricted case; None for any other case.

    Callers may pass the case itself (no query) or its number (one query)."""
    from vault import records

    case = case_or_number
    if not hasattr(case, "restricted"):
        from cases.models import Case

        case = Case.objects.filter(number=str(case_or_number), restricted=True).first()
    if case is None or not case.restricted:
        return None
    return records.case_audit_public(case)


def pending(action: str, *, actor=None, object_type: str = "", object_id="", **detail) -> Pending:
    """Check an event's action and detail (identifiers and counts only) without writing it.

    ``object_id`` of a ``case`` event may be the case itself: it is written as its number, and
    an event about a restricted case is sealed (``docs/audit.md``)."""
    if not _SAFE_KEY.match(action):
        raise UnsafeDetail("audit action must be a lower-case identifier")
    for key, value in detail.items():
        if not _SAFE_KEY.match(key):
            raise UnsafeDetail("audit detail keys must be lower-case identifiers")
        _check_value(key, value)
    seal_to = _case_seal_key(object_id) if object_type == "case" else None
    object_id = str(object_id)
    _check_value("object_id", object_id)
    # Round-trip through JSON so the hash covers exactly what the database returns.
    return Pending(
        action,
        getattr(actor, "pk", actor),
        object_type,
        object_id,
        json.loads(json.dumps(detail)),
        actor_name=_actor_name(actor),
        seal_to=seal_to,
    )


def record(action: str, *, actor=None, object_type: str = "", object_id="", **detail) -> Event:
    """Append one event. Runs in (or opens) a transaction and locks the chain head."""
    event = pending(action, actor=actor, object_type=object_type, object_id=object_id, **detail)
    return record_many([event])[0]


def _seal(event: Event, public: bytes) -> None:
    """Move the event's true time, detail and nonce into a box only the case's holders open,
    leaving the year in clear; ``body`` (and so the link) stays as it was."""
    secret = {"at": _iso(event.at), "detail": event.detail, "nonce": event.nonce}
    event.sealed = crypto.seal(public, canonical(secret))
    event.at, event.detail, event.nonce = year_start(event.at), {}, ""


def record_many(events: list[Pending]) -> list[Event]:
    """Append several events in order, each chained to the one before, under one lock of the
    chain head: three statements however many events. Runs in (or opens) a transaction."""
    if not events:
        return []
    ring = keyring()
    # No savepoint: the events belong to the caller's transaction and fail with it.
    with transaction.atomic(savepoint=False):
        head = ChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            ChainHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS})
            head = ChainHead.objects.select_for_update().get(pk=1)
        made, seq, prev = [], head.seq, head.hash
        for p in events:
            seq += 1
            event = Event(
                seq=seq,
                at=timezone.now(),
                actor_id=p.actor_id,
                actor_name=p.actor_name,
                action=p.action,
                object_type=p.object_type,
                object_id=p.object_id,
                detail=p.detail,
                prev_hash=prev,
            )
            if seq >= ring.audit_since:
                event.nonce = os.urandom(16).hex()
                event.body = body_of(event.at, event.detail, event.nonce)
            event.hash = prev = compute_hash(event)
            if p.seal_to is not None and event.body:
                _seal(event, p.seal_to)
            made.append(event)
        Event.objects.bulk_create(made)  # inserts only: the model refuses updates anyway
        head.seq, head.hash = seq, prev
        head.save(update_fields=["seq", "hash"])
        if any(p.action in KEY_OPERATIONS for p in events):
            from audit.checkpoint import keep_after_commit

            keep_after_commit()
    return made


def case_events(number: str):
    return Event.objects.filter(object_type="case", object_id=number)


@transaction.atomic
def seal_case_events(case) -> int:
    """Seal the events written about ``case`` before it became restricted: the one change an
    event may undergo (the PostgreSQL trigger allows nothing else). Events from before
    ``audit.key`` have no body to keep the link and stay as they are. Returns how many."""
    if not case.restricted:
        raise ValueError("only a restricted case's events are sealed")
    public = _case_seal_key(case)
    count = 0
    for event in case_events(case.number).exclude(nonce=""):
        _seal(event, public)
        # The model refuses updates; this is the only path round it (see Event).
        models.QuerySet(Event).filter(pk=event.seq).update(
            at=event.at, detail={}, nonce="", sealed=event.sealed
        )
        count += 1
    return count


def unseal(event: Event, private: bytes) -> dict:
    """A sealed event's true ``at`` (datetime) and ``detail``, checked against the link's
    digest so a forged box is refused (ValueError)."""
    secret = json.loads(crypto.unseal(private, bytes(event.sealed)))
    if body_of(secret["at"], secret["detail"], secret["nonce"]) != event.body:
        raise ValueError(f"sealed content of event #{event.seq} does not match its link")
    return {"at": datetime.fromisoformat(secret["at"]), "detail": secret["detail"]}


@dataclass
class Broken:
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"event #{self.seq}: {self.reason}"


def _content_problem(event: Event) -> str | None:
    """Why a keyed event's stored time and detail do not match its link, if they do not."""
    if event.sealed is None:
        if not event.nonce or body_of(event.at, event.detail, event.nonce) != event.body:
            return "content was changed after it was written"
        return None
    if event.nonce or event.detail or event.at != year_start(event.at):
        return "a sealed event holds more than its year in clear"
    if event.object_type != "case":
        return "only events about a case are sealed"
    return None


def verify(batch: int = 2000) -> tuple[int, Broken | None]:
    """Walk the chain from the first event; return (events checked, first broken link).

    Also catches a sealed event whose case is not restricted, and a user renamed outside
    Corridor (his current name differs from the one the log last recorded for him)."""
    since = keyring().audit_since
    expected_prev, expected_seq, checked = GENESIS, 1, 0
    last = 0
    sealed_cases: dict[str, int] = {}
    names: dict[int, tuple[str, int]] = {}
    while True:
        rows = list(Event.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not rows:
            break
        for event in rows:
            if event.seq != expected_seq:
                return checked, Broken(expected_seq, "missing (deleted or never written)")
            if event.prev_hash != expected_prev:
                return checked, Broken(event.seq, "does not follow the event before it")
            if compute_hash(event) != event.hash:
                return checked, Broken(event.seq, "content was changed after it was written")
            if event.seq >= since:
                problem = _content_problem(event)
                if problem:
                    return checked, Broken(event.seq, problem)
                if event.sealed is not None:
                    sealed_cases.setdefault(event.object_id, event.seq)
                if event.actor_id is not None:
                    names[event.actor_id] = (event.actor_name, event.seq)
            expected_prev, expected_seq, checked = event.hash, event.seq + 1, checked + 1
        last = rows[-1].seq
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != checked or head.hash != expected_prev):
        return checked, Broken(
            checked + 1 if head.seq > checked else head.seq,
            "the chain head does not match the last event (events removed at the end?)",
        )
    broken = _check_sealed_cases(sealed_cases) or _check_names(names)
    return checked, broken


def _check_sealed_cases(sealed_cases: dict[str, int]) -> Broken | None:
    from cases.models import Case

    numbers = list(sealed_cases)
    restricted = set()
    for start in range(0, len(numbers), 500):
        restricted |= set(
            Case.objects.filter(
                number__in=numbers[start : start + 500], restricted=True
            ).values_list("number", flat=True)
        )
    for number, seq in sorted(sealed_cases.items(), key=lambda item: item[1]):
        if number not in restricted:
            return Broken(seq, "sealed, but its case is not restricted")
    return None


def _check_names(names: dict[int, tuple[str, int]]) -> Broken | None:
    """User primary keys are never reused (AUTOINCREMENT on SQLite, a sequence on PostgreSQL;
    users with events cannot be deleted), and Corridor never renames a user, so the name the
    log last wrote for a user must still be his: a swap in the users table shows here."""
    from accounts.models import User

    ids = list(names)
    current: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        current.update(
            User.objects.filter(pk__in=ids[start : start + 500]).values_list("pk", "username")
        )
    for user_id, (name, seq) in sorted(names.items(), key=lambda item: item[1][1]):
        if current.get(user_id) != name:
            reason = (
                f"names user #{user_id}, who is now called otherwise (renamed in the database?)"
            )
            return Broken(seq, reason)
    return None
