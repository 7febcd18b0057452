"""The ledger: append-only entries per beneficiary (a case); balances are computed from them.

    append(case, proposal, kind, amount, *, actor, ...)  -> Entry  (the domain's own writer)
    balance(case, opener=None)                           -> {currency: Decimal}
    entries_sum(entries)                                 -> {currency: Decimal}

Every entry's amount, currency and time are sealed in a REWARD record of its case; the plain
``amount`` and ``created_at`` are kept only while ``metadata_in_clear`` allows (never for a
restricted case). The caller audits and checks the guard (rewards/approvals.py).
"""

from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from rewards.models import Entry
from vault import records
from vault.policy import REWARD, metadata_in_clear

CENT = Decimal("0.01")


class LedgerTampered(Exception):
    """An ordinary case's entry has no amount in clear: someone emptied it outside the app."""


def append(
    case,
    proposal,
    kind: str,
    amount: Decimal,
    currency: str,
    *,
    actor,
    payment=None,
    reverses=None,
    note: str = "",
) -> Entry:
    if not isinstance(amount, Decimal):
        raise TypeError("ledger amounts are Decimal")
    amount = amount.quantize(CENT)
    now = timezone.now()
    sealed = {"kind": kind, "amount": str(amount), "currency": currency, "at": now.isoformat()}
    if note:
        sealed["note"] = note
    record = records.seal(case, REWARD, sealed, kind="reward_entry", actor=actor)
    entry = Entry(
        case=case,
        proposal=proposal,
        payment=payment,
        kind=kind,
        amount=amount if metadata_in_clear(case, "reward_amount") else None,
        currency=currency,
        reverses=reverses,
        record=record,
        created_by=actor,
        created_at=now if metadata_in_clear(case, "dates") else None,
    )
    entry.save()
    return entry


def sealed_amount(entry: Entry, opener) -> Decimal:
    """The amount of an entry: in clear, or (restricted case) opened from its record with
    ``opener(record) -> dict`` (the caller's keys; NoAccess propagates)."""
    if entry.amount is not None:
        return entry.amount
    if not entry.case.restricted:
        raise LedgerTampered("an ordinary case's ledger entry without an amount")
    if opener is None or entry.record is None:
        raise records.NoAccess("a restricted case's amounts need the named user's keys")
    return Decimal(opener(entry.record)["amount"])


def entries_sum(entries, opener=None) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for entry in entries:
        totals[entry.currency] += sealed_amount(entry, opener)
    return dict(totals)


def balance(case, opener=None) -> dict[str, Decimal]:
    """What the programme still owes the beneficiary ``case``, per currency: the sum of his
    entries (Decimal arithmetic in Python, never the database's, which may use floats)."""
    entries = Entry.objects.filter(case=case).select_related("case", "record").order_by("id")
    return entries_sum(entries, opener)


def entries_of(case):
    return (
        Entry.objects.filter(case=case)
        .select_related("case", "record", "reverses", "created_by")
        .order_by("id")
    )
