"""Art. 13: photos and videos of a person, only after his recorded consent, sealed like names.

    record_consent(case, values, actor=...)        -> MediaConsent   (sealed; audited)
    withdraw_consent(consent, actor=...)           -> MediaConsent   (no more media under it)
    add_media(case, upload, kind=..., actor=...)   -> Media          (refused without consent)
    delete_media(media, actor=...)                 crypto-shreds the file and its record

There is no publication path: no portal page, feed or export shows a medium (the capture card
and the bureau export carry none). A medium is downloaded only by a case officer whose keys
open it, each download audited (reception/views.py). ICRC: even a simple disclosure of images
can breach Art. 13, and captivity interviews are used as evidence in Russia (DOMAIN.md).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.log import record as audit
from cases.models import Case
from cases.states import TransitionRefused
from reception.custody import Invalid, _guard
from reception.models import Media, MediaConsent
from vault import attachments, records
from vault.policy import IDENTITY
from vault.records import clear_time

S = Case.Status
STATES = (S.IN_PROGRESS, S.RECEIVED, S.REGISTERED)
# Uploads are held in memory only (reception/views.py), never in a plaintext temporary file,
# so one upload is capped; a longer video is cut or compressed first.
MAX_BYTES = 32 * 1024 * 1024
TYPES = {Media.Kind.PHOTO: ("image/",), Media.Kind.VIDEO: ("video/",)}


@transaction.atomic
def record_consent(case: Case, values: dict, *, actor) -> MediaConsent:
    """His consent to a photo and/or a video, for a stated purpose, as he gave it."""
    case = _guard(case, actor, STATES)
    errors = {}
    if not (values.get("photo") or values.get("video")):
        errors["photo"] = _("Say what he consents to: photo, video or both.")
    if not (values.get("purpose") or "").strip():
        errors["purpose"] = _("Say for what purpose.")
    if not (values.get("statement") or "").strip():
        errors["statement"] = _("Record how and in which language he gave his consent.")
    if errors:
        raise Invalid(errors)
    record = records.seal(
        case,
        IDENTITY,
        {
            "purpose": values["purpose"].strip(),
            "statement": values["statement"].strip(),
            "at": timezone.now().isoformat(),
        },
        kind="media_consent",
        actor=actor,
    )
    consent = MediaConsent.objects.create(
        case=case,
        record=record,
        photo=bool(values.get("photo")),
        video=bool(values.get("video")),
        recorded_by=actor,
        recorded_at=clear_time(case),
    )
    audit(
        "media_consent_recorded",
        actor=actor,
        object_type="case",
        object_id=case.number,
        photo=consent.photo,
        video=consent.video,
    )
    return consent


@transaction.atomic
def withdraw_consent(consent: MediaConsent, *, actor) -> MediaConsent:
    _guard(consent.case, actor, (*STATES, S.CLOSED))
    consent = MediaConsent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at is None:
        consent.withdrawn_at = clear_time(consent.case)
        consent.save(update_fields=["withdrawn_at"])
        audit("media_consent_withdrawn", actor=actor, object_type="case", object_id=consent.case)
    return consent


def consent_for(case: Case, kind: str) -> MediaConsent | None:
    """The latest consent in force that covers ``kind``, or None."""
    return (
        MediaConsent.objects.filter(case=case, withdrawn_at=None, **{kind: True})
        .order_by("-recorded_at", "-pk")
        .first()
    )


@transaction.atomic
def add_media(case: Case, upload, *, kind: str, actor) -> Media:
    """Seal a photo or video of the person as an encrypted attachment. Refused without a
    recorded consent in force for that kind of medium."""
    case = _guard(case, actor, STATES)
    if kind not in TYPES:
        raise Invalid({"kind": _("Choose photo or video.")})
    consent = consent_for(case, kind)
    if consent is None:
        raise TransitionRefused(
            _("A photo or video of a person needs his recorded consent first (Art. 13).")
        )
    content_type = (getattr(upload, "content_type", "") or "").lower()
    if upload is None or not upload.size:
        raise Invalid({"file": _("Choose a file.")})
    if upload.size > MAX_BYTES:
        raise Invalid({"file": _("The file is larger than 32 MB.")})
    if not content_type.startswith(TYPES[kind]):
        raise Invalid({"file": _("This file is not a photo or video of the chosen kind.")})
    record = attachments.seal_file(
        case,
        IDENTITY,
        upload,
        filename=(upload.name or "")[:200],
        content_type=content_type[:100],
        actor=actor,
    )
    media = Media.objects.create(
        case=case,
        consent=consent,
        kind=kind,
        record=record,
        uploaded_by=actor,
        uploaded_at=clear_time(case),
    )
    audit("media_added", actor=actor, object_type="case", object_id=case.number, kind=kind)
    return media


@transaction.atomic
def delete_media(media: Media, *, actor, values: dict | None = None) -> None:
    """Destroy a medium: its file (ciphertext), its record and every copy of its data key.
    ``values``: the opened record, to find the file (without them the file name is unknown
    and only the keys go, which leaves the file unreadable)."""
    case = _guard(media.case, actor, (*STATES, S.CLOSED))
    if values is not None:
        attachments.delete_file(values)
    if media.record_id is not None:
        type(media.record).objects.filter(pk=media.record_id).delete()
    kind = media.kind
    Media.objects.filter(pk=media.pk).delete()
    audit("media_deleted", actor=actor, object_type="case", object_id=case.number, kind=kind)
