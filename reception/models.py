"""Reception's tables. Outcomes (issue 22, point 5): what became of the man, and the guarantees
promised to him (equipment cases: secrecy of the transfer, new documents, travel to a third
country) as tracked tasks.

In clear, as workflow metadata of an ordinary case: the kind of outcome and of each guarantee,
who recorded or ticked it and when. In a restricted case these are restricted metadata
(vault.policy.RESTRICTED_METADATA: "outcome", "dates"): the kind columns stay empty, every date
column holds only its year, and the kinds and true times are sealed in a record of the case
(``record``), which crypto-shredding deletes with the case's other records."""

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
