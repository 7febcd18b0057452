"""Rewards: equipment, shares, proposals, payments, the ledger and exchange rates.

Every row about a case keeps its content sealed in a REWARD record of the case (vault/policy.py:
the finance team and escrow; in a restricted case the named users and escrow). The plain columns
(category, amounts, dates) are a copy for lists and reports, kept only while
``vault.policy.metadata_in_clear`` allows: a restricted case leaves them empty
(rewards/restriction.py empties them when a case becomes restricted), and the values are
read from the records.

Amounts are ``Decimal`` with a currency code, never float.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

AMOUNT = {"max_digits": 16, "decimal_places": 2}


class EquipmentItem(models.Model):
    """One piece of equipment handed over, recorded on the case of the man who brought it.

    Sealed (``record``): category, schedule, handover date, model, identifiers, the condition
    checklist (serviceable, armament, documents) and the assessor's notes. In clear for an
    ordinary case: the category, the schedule and the handover date (reports, range checks)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="equipment")
    # A purge (crypto-shredding) deletes the case's records: the row stays, its plain columns
    # still count in reports, its sealed content is gone.
    record = models.OneToOneField(
        "vault.Record", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    category = models.CharField(max_length=40, blank=True)
    schedule = models.CharField(max_length=80, blank=True)
    handed_over_on = models.DateField(null=True, blank=True)
    assessor = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"equipment {self.pk}"


class Share(models.Model):
    """A co-defector's share of an item, in percent; the shares of an item add up to exactly
    100 (rewards/equipment.py, ``set_shares``). The beneficiary is a case (by reference)."""

    item = models.ForeignKey(EquipmentItem, on_delete=models.PROTECT, related_name="shares")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="reward_shares")
    percent = models.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "case"], name="share_item_case"),
            models.CheckConstraint(
                condition=models.Q(percent__gt=0, percent__lte=100), name="share_percent_range"
            ),
        ]

    def __str__(self) -> str:
        return f"share of {self.item_id}"


class Photo(models.Model):
    """A photo of an item: an encrypted attachment (vault/attachments.py) of the item's case."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    item = models.ForeignKey(EquipmentItem, on_delete=models.PROTECT, related_name="photos")
    record = models.OneToOneField("vault.Record", on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"photo {self.pk}"


class Proposal(models.Model):
    """The amount proposed for an item, then approved and authorised by two other people
    (rewards/approvals.py). Sealed: amount, reason, category and the time of each step."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved")
        AUTHORISED = "authorised", _("Authorised")
        REJECTED = "rejected", _("Rejected")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    item = models.ForeignKey(EquipmentItem, on_delete=models.PROTECT, related_name="proposals")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROPOSED)
    amount_usd = models.DecimalField(null=True, blank=True, **AMOUNT)
    record = models.OneToOneField(
        "vault.Record", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    authorised_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    authorised_at = models.DateTimeField(null=True, blank=True)
    rejected_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Sealed times of the later steps (a restricted case keeps no date in clear).
    steps = models.ManyToManyField("vault.Record", related_name="+", blank=True)

    class Meta:
        constraints = [
            # One live proposal per item: a second is made only after the first is rejected.
            models.UniqueConstraint(
                fields=["item"], condition=~models.Q(status="rejected"), name="proposal_one_live"
            ),
            # Four eyes, also in the database: nobody approves or authorises his own proposal,
            # and approval and authorisation are two people.
            models.CheckConstraint(
                condition=~models.Q(approved_by=models.F("proposed_by")), name="proposal_4eyes_a"
            ),
            models.CheckConstraint(
                condition=~models.Q(authorised_by=models.F("proposed_by")),
                name="proposal_4eyes_b",
            ),
            models.CheckConstraint(
                condition=~models.Q(authorised_by=models.F("approved_by")),
                name="proposal_4eyes_c",
            ),
        ]

    def __str__(self) -> str:
        return f"proposal {self.pk}"


class Payment(models.Model):
    """One payout of a beneficiary's share. Sealed: method, reference, the USD and UAH amounts,
    the rate used, EUR for reference and the payment date. In clear for an ordinary case: the
    amounts and the date (reports)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="payments")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    record = models.OneToOneField(
        "vault.Record", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    usd = models.DecimalField(null=True, blank=True, **AMOUNT)
    uah = models.DecimalField(null=True, blank=True, **AMOUNT)
    paid_on = models.DateField(null=True, blank=True)
    paid_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"payment {self.pk}"


class LedgerError(Exception):
    """Code tried to change or delete a ledger entry: corrections are reversal entries."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise LedgerError("ledger entries cannot be updated")

    def delete(self):
        raise LedgerError("ledger entries cannot be deleted")

    def bulk_update(self, objs, fields, batch_size=None):
        raise LedgerError("ledger entries cannot be updated")


class Entry(models.Model):
    """One ledger line about a beneficiary (a case): what he is owed (``entitlement``, when a
    proposal is authorised, positive), what was paid (``payment``, negative) and corrections
    (``reversal``: the negation of one earlier entry). A balance is the sum of the entries.

    Append-only: the model refuses save of an existing row, delete, and queryset update and
    delete; on PostgreSQL a trigger refuses UPDATE and DELETE for anyone going round the
    model, except the one change restriction makes (amount and time emptied, the values staying
    in the sealed record; rewards/migrations/0002). Every entry's amount, currency and time are
    also sealed in ``record``."""

    class Kind(models.TextChoices):
        ENTITLEMENT = "entitlement", _("Entitlement")
        PAYMENT = "payment", _("Payment")
        REVERSAL = "reversal", _("Reversal")

    id = models.BigAutoField(primary_key=True)  # the order of the ledger
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="+")
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    amount = models.DecimalField(null=True, blank=True, **AMOUNT)
    currency = models.CharField(max_length=3)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    # The entry is never changed, not even when a purge (crypto-shredding) deletes its record:
    # no database constraint and nothing done on delete, so the reference is left dangling and
    # reads as no record (null=True makes select_related an outer join that keeps the entry).
    record = models.OneToOneField(
        "vault.Record",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(null=True, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["case", "currency"], name="entry_case_currency")]

    def __str__(self) -> str:
        return f"ledger entry {self.pk}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise LedgerError("ledger entries cannot be updated")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerError("ledger entries cannot be deleted")


class Rate(models.Model):
    """How many units of ``currency`` one US dollar bought on ``on`` (imported from a CSV by
    finance, rewards/rates.py). About no case."""

    on = models.DateField()
    currency = models.CharField(max_length=3)
    per_usd = models.DecimalField(max_digits=18, decimal_places=6)
    imported_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["on", "currency"], name="rate_day_currency")]

    def __str__(self) -> str:
        return f"rate {self.currency} {self.on}"
