import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Relative(models.Model):
    """A relative of the applicant whose relocation to safety the planning team organises
    (DOMAIN.md: the Mi-8 pilot's family was moved out before the flight).

    Everything about the person (relation, name, location, contact, needs) is sealed in one
    FAMILY record of the case (``record``: planning teams and escrow; a restricted case's named
    users and escrow); an edit seals a new record and destroys the old one. A failed
    relocation's reason is sealed too (``failure_record``): why a family could not leave can
    itself endanger it.

    In clear, as workflow metadata: the relocation status and its times (a restricted case keeps
    only their year, ``vault.records.clear_time``), and ``own_case``, the case this relative
    opened himself through intake (an applicant can be a relative), linked by a person who
    holds both cases. ``__str__`` names no one."""

    class Status(models.TextChoices):
        IDENTIFIED = "identified", _("Identified")
        CONTACTED = "contacted", _("Contacted")
        PLANNED = "planned", _("Relocation planned")
        IN_TRANSIT = "in_transit", _("In transit")
        SAFE = "safe", _("Safe")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="relatives")
    record = models.OneToOneField(
        "vault.Record", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    failure_record = models.OneToOneField(
        "vault.Record", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IDENTIFIED)
    own_case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "status"], name="relative_case_status")]
        constraints = [
            # One relative per own case within one case: linking twice is one link.
            models.UniqueConstraint(
                fields=["case", "own_case"],
                condition=models.Q(own_case__isnull=False),
                name="relative_own_case_once",
            )
        ]

    def __str__(self) -> str:
        return f"relative {self.pk}"
