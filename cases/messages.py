"""Messages between staff and applicant: text sealed in the correspondence compartment (staff
of intake and planning, the applicant, escrow), metadata in ``cases.Message``.

In a restricted case the sealed values also carry the true time (``at``) and the true end of an
operational message's window (``expires_at``), and the plain columns keep only years: created
and read at 1 January of their year, the window's end at 1 January of the year after it (a
purge-after bound); the read time is sealed in a ``messages_read`` audit event.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from audit.log import record as audit
from cases.access import holds
from cases.models import Case, Message
from cases.states import NO_KEYS, PURGED, TransitionRefused
from cases.workflow import contact, touch
from vault import records
from vault.crypto import DecryptionFailed
from vault.policy import CORRESPONDENCE


@transaction.atomic
def from_applicant(case: Case, text: str, *, kind: str = "message") -> Message:
    now = timezone.now()
    values = {"text": text, **({"at": now.isoformat()} if case.restricted else {})}
    record = records.seal(case, CORRESPONDENCE, values, kind=kind)
    message = Message.objects.create(
        record=record,
        case=case,
        direction=Message.Direction.FROM_APPLICANT,
        created_at=records.clear_time(case, now),
    )
    contact(case)
    return message


@transaction.atomic
def to_applicant(
    case: Case, text: str, *, actor, operational: bool = False, expires_at: datetime | None = None
) -> Message:
    """A staff reply. An operational one (point, window, signal) must say when it expires."""
    if operational and expires_at is None:
        raise ValueError("an operational message needs its window's end")
    if not holds(actor, case):
        raise TransitionRefused(NO_KEYS)
    if case.purged_at is not None:
        raise TransitionRefused(PURGED)
    now = timezone.now()
    values = {"text": text}
    if case.restricted:
        values["at"] = now.isoformat()
        if expires_at is not None:
            values["expires_at"] = expires_at.isoformat()
    record = records.seal(case, CORRESPONDENCE, values, kind="reply", actor=actor)
    message = Message.objects.create(
        record=record,
        case=case,
        operational=operational,
        expires_at=purge_after(case, expires_at),
        direction=Message.Direction.TO_APPLICANT,
        created_at=records.clear_time(case, now),
    )
    audit("message_sent", actor=actor, object_type="case", object_id=case, operational=operational)
    touch(case)
    return message


def purge_after(case: Case, expires_at: datetime | None) -> datetime | None:
    """The window's end as a plain column may hold it: exact, or for a restricted case 1 January
    of the following year (never earlier than the truth, so nothing is hidden too soon)."""
    if expires_at is None or not case.restricted:
        return expires_at
    return records.year_start(expires_at).replace(year=expires_at.year + 1)


def _sealed_time(values: dict, key: str, fallback):
    return datetime.fromisoformat(values[key]) if values.get(key) else fallback


def inbox(case_id, applicant_private: bytes) -> list[dict]:
    """The applicant's view: staff messages still valid, decrypted with his codename key.

    Takes a case id that may match nothing (an unknown codename), so that the same queries run
    either way."""
    now = timezone.now()
    rows = Message.objects.filter(
        case_id=case_id, direction=Message.Direction.TO_APPLICANT, record__ciphertext__isnull=False
    ).select_related("record")
    shown = []
    for message in rows:
        if message.expires_at is not None and message.expires_at <= now:
            continue
        try:
            values = records.open_as_applicant(message.record, applicant_private)
        except (records.NoAccess, DecryptionFailed):
            continue  # sealed to an earlier codename of this case (replaced after duress)
        expires = _sealed_time(values, "expires_at", message.expires_at)
        if expires is not None and expires <= now:
            continue
        shown.append(
            {
                "id": message.pk,
                "text": values["text"],
                "at": _sealed_time(values, "at", message.created_at),
                "operational": message.operational,
                "expires_at": expires,
                "read": message.read_at is not None,
            }
        )
    return shown


@transaction.atomic
def mark_read(case_id, message_ids: list[int]) -> None:
    """The applicant has seen these messages. ``case_id`` may match nothing (an unknown
    codename): the same two statements run. A restricted case keeps the year in clear and the
    true time in a sealed audit event."""
    case = Case.objects.filter(pk=case_id).only("pk", "number", "restricted").first()
    now = timezone.now()
    unread = Message.objects.filter(case_id=case_id, pk__in=message_ids, read_at=None)
    if case is None or not case.restricted:
        unread.update(read_at=now)
        return
    ids = sorted(unread.values_list("pk", flat=True))
    if ids:
        unread.update(read_at=records.year_start(now))
        audit("messages_read", object_type="case", object_id=case, messages=ids)


@transaction.atomic
def delete_read_operational(case_id, message_id: int) -> bool:
    """The applicant deletes an operational message he has read: its data key is destroyed."""
    message = (
        Message.objects.filter(case_id=case_id, pk=message_id, operational=True)
        .exclude(read_at=None)
        .select_related("record")
        .first()
    )
    if message is None:
        return False
    message.record.delete()  # cascades to the Message row and every sealed data key
    return True
