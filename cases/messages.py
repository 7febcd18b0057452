"""Messages between staff and applicant: text sealed in the correspondence compartment (staff
of intake and planning, the applicant, escrow), metadata in ``cases.Message``."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from audit.log import record as audit
from cases.models import Case, Message
from cases.workflow import contact, touch
from vault import records
from vault.crypto import DecryptionFailed
from vault.policy import CORRESPONDENCE


@transaction.atomic
def from_applicant(case: Case, text: str, *, kind: str = "message") -> Message:
    record = records.seal(case, CORRESPONDENCE, {"text": text}, kind=kind)
    message = Message.objects.create(
        record=record, case=case, direction=Message.Direction.FROM_APPLICANT
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
    record = records.seal(case, CORRESPONDENCE, {"text": text}, kind="reply", actor=actor)
    message = Message.objects.create(
        record=record,
        case=case,
        operational=operational,
        expires_at=expires_at,
        direction=Message.Direction.TO_APPLICANT,
    )
    audit(
        "message_sent",
        actor=actor,
        object_type="case",
        object_id=case.number,
        operational=operational,
    )
    touch(case)
    return message


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
        shown.append(
            {
                "id": message.pk,
                "text": values["text"],
                "at": message.created_at,
                "operational": message.operational,
                "expires_at": message.expires_at,
                "read": message.read_at is not None,
            }
        )
    return shown


@transaction.atomic
def mark_read(case_id, message_ids: list[int]) -> None:
    Message.objects.filter(case_id=case_id, pk__in=message_ids, read_at=None).update(
        read_at=timezone.now()
    )


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
