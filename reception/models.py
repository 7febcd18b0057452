"""Reception's tables. Outcomes (issue 22, point 5): what became of the man, and the guarantees
promised to him (equipment cases: secrecy of the transfer, new documents, travel to a third
country) as tracked tasks.

In clear, as workflow metadata of an ordinary case: the kind of outcome and of each guarantee,
who recorded or ticked it and when. In a restricted case these are restricted metadata
(vault.policy.RESTRICTED_METADATA: "outcome", "dates"): the kind columns stay empty, every date
column holds only its year, and the kinds and true times are sealed in a record of the case
(``record``), which crypto-shredding deletes with the case's other records.

Reception: custody, prisoner-of-war registration, capture cards, media and relatives'
enquiries (Third Geneva Convention, Art. 13, 17, 70, 122; docs/reception.md).

Everything that identifies, locates or describes a person (names, ranks, dates of birth,
service numbers, places, receiving units, health, property, consents, media, enquirers) lives
only in sealed vault records of the case (IDENTITY compartment), one row here pointing at its
record, so crypto-shredding deletes it with the record's data keys. In clear: workflow
metadata only (who recorded, when, deadlines, whether a card was sent). Every date column
about a restricted case holds only its year (``vault.records.clear_time``); the true times are
in the sealed records.
"""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Outcome(models.Model):
    class Kind(models.TextChoices):
        EXCHANGE = "exchange", _("Exchanged")
        STAY = "stay", _("Stays in Ukraine")
        THIRD_COUNTRY = "third_country", _("Left for a third country")
        JOINED_FORCES = "joined_forces", _("Joined the Ukrainian forces")

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, primary_key=True, related_name="outcome"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, blank=True)  # "" if sealed
    record = models.OneToOneField(
        "vault.Record", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)  # year only if restricted

    def __str__(self) -> str:
        return f"outcome of {self.case_id}"


class Guarantee(models.Model):
    """One promise made to the man, tracked until it is kept."""

    class Kind(models.TextChoices):
        SECRECY = "secrecy", _("Secrecy of the transfer")
        NEW_DOCUMENTS = "new_documents", _("New documents")
        THIRD_COUNTRY = "third_country", _("Travel to a third country")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="guarantees")
    kind = models.CharField(max_length=20, choices=Kind.choices, blank=True)  # "" if sealed
    record = models.OneToOneField(
        "vault.Record", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=4, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)  # year only if restricted
    done_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)  # year only if restricted

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "status"], name="guarantee_case_status")]

    def __str__(self) -> str:
        return f"guarantee {self.pk}"


class Custody(models.Model):
    """The custody record: time, place, receiving unit, medical state and property taken with
    its receipt (sealed). ``taken_at`` is in clear because the capture card's Art. 70 deadline
    runs from it (year only in a restricted case; the true time is sealed)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="custody")
    record = models.OneToOneField(
        "vault.Record", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    taken_at = models.DateTimeField()
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"custody of {self.case_id}"


class Registration(models.Model):
    """Prisoner-of-war registration: the five Art. 17 items (compulsory) and the optional
    Art. 70/122 items, all sealed. The registering officer's confirmation that no coercion was
    used is required (the constraint makes a row without it impossible)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="pow_registration"
    )
    record = models.OneToOneField(
        "vault.Record", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    no_coercion_confirmed = models.BooleanField()
    version = models.PositiveIntegerField(default=1)
    registered_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(no_coercion_confirmed=True), name="registration_no_coercion"
            )
        ]

    def __str__(self) -> str:
        return f"registration of {self.case_id}"


class CustodyEvent(models.Model):
    """A later event of Art. 70 (sickness, hospital admission, transfer): each one opens a new
    capture-card task. What happened and where is sealed."""

    class Kind(models.TextChoices):
        SICKNESS = "sickness", _("Sickness")
        HOSPITAL = "hospital", _("Hospital admission")
        TRANSFER = "transfer", _("Transfer")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="custody_events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    record = models.OneToOneField(
        "vault.Record", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    occurred_at = models.DateTimeField()
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["occurred_at", "recorded_at"]

    def __str__(self) -> str:
        return f"{self.kind} of {self.case_id}"


class CaptureCard(models.Model):
    """A capture-card task (Art. 70): one at custody, one more after each later event, each
    due within seven days. Marked sent by staff; unsent past ``due_at`` it is overdue."""

    class Reason(models.TextChoices):
        CAPTURE = "capture", _("Capture")
        SICKNESS = "sickness", _("Sickness")
        HOSPITAL = "hospital", _("Hospital admission")
        TRANSFER = "transfer", _("Transfer")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="capture_cards")
    reason = models.CharField(max_length=10, choices=Reason.choices)
    event = models.OneToOneField(
        CustodyEvent, null=True, blank=True, on_delete=models.CASCADE, related_name="card"
    )
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(
                fields=["due_at"], condition=models.Q(sent_at=None), name="capturecard_open_due"
            )
        ]

    def __str__(self) -> str:
        return f"capture card {self.pk}"


class MediaConsent(models.Model):
    """Art. 13: a photo or video of a person is taken only after his recorded consent. Who
    consented, to what and for which purpose is sealed; which media kinds it covers and
    whether it was withdrawn are in clear (the upload guard reads them)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="media_consents")
    record = models.OneToOneField(
        "vault.Record", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    photo = models.BooleanField(default=False)
    video = models.BooleanField(default=False)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"media consent {self.pk}"


class Media(models.Model):
    """A photo or video of the person, sealed as an encrypted attachment (vault/attachments.py:
    only ciphertext on disk, name and type inside the record). There is no publication path:
    it is downloaded only by staff whose keys open it, each time audited."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        VIDEO = "video", _("Video")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="media")
    consent = models.ForeignKey(MediaConsent, on_delete=models.PROTECT, related_name="media")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    record = models.OneToOneField(
        "vault.Record", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"media {self.pk}"


class Enquiry(models.Model):
    """A relative's enquiry ("I want to find"), recorded on the case of the relative's own
    contact (his call or application): the requester and the sought person's data are sealed
    in ``record``; the answer is a status only, written by staff."""

    class Answer(models.TextChoices):
        NO_RECORD = "no_record", _("No record")
        REGISTERED = "registered", _("Registered as a prisoner of war")
        TRANSFERRED = "transferred", _("Transferred")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="enquiries")
    record = models.OneToOneField(
        "vault.Record", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    answer = models.CharField(max_length=12, choices=Answer.choices, blank=True)
    answered_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"enquiry {self.pk}"


# Kinds of the vault records these rows point at. The reception pages show them (a medium
# only as a download); the case page passes over them, so that no page shows an attachment's
# file key and a medium is opened only through its audited download.
RECORD_KINDS = ("custody", "registration", "custody_event", "media_consent", "enquiry")


def records_shown_elsewhere(case):
    """Ids of the case's records that only the reception pages show."""
    from django.db.models import Q

    from vault.models import Record

    return Record.objects.filter(
        Q(kind__in=RECORD_KINDS) | Q(pk__in=Media.objects.filter(case=case).values("record_id")),
        case=case,
    ).values("pk")
