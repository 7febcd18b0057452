import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Plan(models.Model):
    """The exit plan of a case. Everything about it is sealed in one PLAN record (point,
    description, windows, signal, code word, head count, procedure); a new version seals a new
    record and destroys the old one.

    In clear, as workflow metadata like any deadline: the responsible field unit, the windows
    (the unit's other tasks must not overlap, and the queues "scheduled today" and "window
    passed without report" read them) and whether the family must be safe first. A restricted
    case keeps its windows sealed only (the columns stay empty; docs/threat-model.md)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="plan")
    record = models.OneToOneField(
        "vault.Record", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    field_unit = models.ForeignKey(
        "accounts.Team", null=True, on_delete=models.PROTECT, related_name="+"
    )
    window_start = models.DateTimeField(null=True, blank=True)
    window_end = models.DateTimeField(null=True, blank=True)
    fallback_start = models.DateTimeField(null=True, blank=True)
    fallback_end = models.DateTimeField(null=True, blank=True)
    # "Family first": the case cannot be scheduled before the family is confirmed safe
    # (cases.states.family_is_safe). On by default; switching it off is audited.
    family_first = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["field_unit", "window_start"], name="plan_unit_window")]

    def __str__(self) -> str:
        return f"plan of {self.case_id}"


class Instruction(models.Model):
    """An instruction rendered from the plan's procedure in the applicant's language. Its text,
    code and phrase are sealed (``record``, PLAN compartment); ``signature`` is the programme's
    Ed25519 signature over its canonical statement, so the record of what was sent is
    tamper-evident. An operational one (point, window or signal) is released only when a
    second person, not its author, approves it; releasing delivers it as an operational
    message (``message``) that expires after its window."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        RELEASED = "released", _("Released")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="instructions")
    plan_version = models.PositiveIntegerField()
    operational = models.BooleanField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    record = models.OneToOneField(
        "vault.Record", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signature = models.BinaryField(max_length=64)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    message = models.OneToOneField(
        "cases.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["case", "status"], name="instruction_case_status")]

    def __str__(self) -> str:
        return f"instruction {self.pk}"


class EscortTask(models.Model):
    """What the responsible field unit needs and nothing more: point, window, signals, head
    count, sealed in one ESCORT record to that unit's key (and escrow) only. Never a name, a
    unit of the applicant or anything else of the case; the field console shows the task's
    own id, never the case number. When the task ends, every copy of its data key is deleted,
    escrow's included (vault.records.end_escort_task).

    In clear: the unit (access follows it), the windows (the same instants the plan keeps in
    clear; empty for a restricted case), the status and the time of the last report."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        EN_ROUTE = "en_route", _("En route")
        CONTACT = "contact", _("Contact")
        ESCORTING = "escorting", _("Escorting")
        HANDED_OVER = "handed_over", _("Handed over")
        ABORTED = "aborted", _("Aborted")
        CANCELLED = "cancelled", _("Cancelled")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="escort_tasks")
    field_unit = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+")
    record = models.OneToOneField(
        "vault.Record", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    plan_version = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ASSIGNED)
    window_start = models.DateTimeField(null=True, blank=True)
    window_end = models.DateTimeField(null=True, blank=True)
    last_report_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["window_start", "created_at"]
        indexes = [
            models.Index(fields=["field_unit", "status"], name="escort_unit_status"),
            models.Index(fields=["status", "window_end"], name="escort_status_window"),
        ]

    def __str__(self) -> str:
        return f"escort task {self.pk}"
