"""Append events to the hash-chained audit log, and verify the chain.

Every sensitive action in Corridor calls ``record`` inside the transaction that makes the
change, so the event and the change commit together or not at all.
"""

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC

from django.db import transaction
from django.utils import timezone

from audit.models import ChainHead, Event

GENESIS = "0" * 64

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


def event_fields(event: Event) -> dict:
    return {
        "seq": event.seq,
        "at": event.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": event.actor_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "detail": event.detail,
        "prev": event.prev_hash,
    }


def compute_hash(event: Event) -> str:
    return hashlib.sha256(canonical(event_fields(event))).hexdigest()


@dataclass(frozen=True)
class Pending:
    """An event checked and ready to append (``pending``); ``record_many`` chains it."""

    action: str
    actor_id: object
    object_type: str
    object_id: str
    detail: dict


def pending(
    action: str, *, actor=None, object_type: str = "", object_id: str | int = "", **detail
) -> Pending:
    """Check an event's action and detail (identifiers and counts only) without writing it."""
    if not _SAFE_KEY.match(action):
        raise UnsafeDetail("audit action must be a lower-case identifier")
    for key, value in detail.items():
        if not _SAFE_KEY.match(key):
            raise UnsafeDetail("audit detail keys must be lower-case identifiers")
        _check_value(key, value)
    object_id = str(object_id)
    _check_value("object_id", object_id)
    # Round-trip through JSON so the hash covers exactly what the database returns.
    return Pending(
        action, getattr(actor, "pk", actor), object_type, object_id, json.loads(json.dumps(detail))
    )


def record(
    action: str, *, actor=None, object_type: str = "", object_id: str | int = "", **detail
) -> Event:
    """Append one event. Runs in (or opens) a transaction and locks the chain head."""
    event = pending(action, actor=actor, object_type=object_type, object_id=object_id, **detail)
    return record_many([event])[0]


def record_many(events: list[Pending]) -> list[Event]:
    """Append several events in order, each chained to the one before, under one lock of the
    chain head: three statements however many events. Runs in (or opens) a transaction."""
    if not events:
        return []
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
                action=p.action,
                object_type=p.object_type,
                object_id=p.object_id,
                detail=p.detail,
                prev_hash=prev,
            )
            event.hash = prev = compute_hash(event)
            made.append(event)
        Event.objects.bulk_create(made)  # inserts only: the model refuses updates anyway
        head.seq, head.hash = seq, prev
        head.save(update_fields=["seq", "hash"])
    return made


@dataclass
class Broken:
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"event #{self.seq}: {self.reason}"


def verify(batch: int = 2000) -> tuple[int, Broken | None]:
    """Walk the chain from the first event; return (events checked, first broken link)."""
    expected_prev, expected_seq, checked = GENESIS, 1, 0
    last = 0
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
            expected_prev, expected_seq, checked = event.hash, event.seq + 1, checked + 1
        last = rows[-1].seq
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != checked or head.hash != expected_prev):
        return checked, Broken(
            checked + 1 if head.seq > checked else head.seq,
            "the chain head does not match the last event (events removed at the end?)",
        )
    return checked, None
