import uuid

from django.db import models
from django.utils import timezone


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
