"""What restricting a case does to its reward rows (called by cases.restriction.coarsen,
inside vault.records.restrict): the plain category, amounts and dates are emptied, as if the
rows had been written about a restricted case (vault.policy.metadata_in_clear). Every value is
already in the rows' sealed records, which restrict re-seals to the named people; the true
times are returned for restrict to seal as well."""

from django.db import models

from cases.models import Case
from rewards.models import Entry, EquipmentItem, Payment, Proposal


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def coarsen(case) -> dict:
    true: dict = {"items": {}, "proposals": {}, "payments": {}}
    for item in EquipmentItem.objects.filter(case=case):
        true["items"][str(item.pk)] = _iso(item.created_at)
        item.category, item.schedule, item.handed_over_on, item.created_at = "", "", None, None
        item.save(update_fields=["category", "schedule", "handed_over_on", "created_at"])
    for proposal in Proposal.objects.filter(item__case=case):
        names = ("proposed_at", "approved_at", "authorised_at")
        true["proposals"][str(proposal.pk)] = {n: _iso(getattr(proposal, n)) for n in names}
        for name in names:
            setattr(proposal, name, None)
        proposal.amount_usd = None
        proposal.save(update_fields=["amount_usd", *names])
    for payment in Payment.objects.filter(case=case):
        true["payments"][str(payment.pk)] = _iso(payment.paid_on)
        payment.usd = payment.uah = payment.paid_on = None
        payment.save(update_fields=["usd", "uah", "paid_on"])
    # The ledger refuses every change but this one, and on PostgreSQL its trigger allows it
    # only for a restricted case (rewards/migrations/0002): mark the case restricted first,
    # in this same transaction (records.restrict sets the flag again right after).
    Case.objects.filter(pk=case.pk).update(restricted=True)
    models.QuerySet.update(Entry.objects.filter(case=case), amount=None, created_at=None)
    return true
