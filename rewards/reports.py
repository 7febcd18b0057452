"""Totals by category, status and month, for finance and supervisors; the same as CSV.

No personal data and no case numbers: a row is a category, a status, a month, a count and a sum
in US dollars. A restricted case contributes only to one count of "restricted items", never to
a category, an amount or a month: its category, amount and dates are sealed precisely because
together they name one man (vault.policy.RESTRICTED_METADATA), and a row with a count of one
would give them back. Its amount is not added to any total either, since the difference between
two totals would isolate it.
"""

import csv
import io
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from rewards import access
from rewards.models import Entry, Proposal

RECORDED, PAID = "recorded", "paid"
HEADER = ["category", "status", "month", "count", "amount_usd"]


def _status(proposal: Proposal | None, paid: set) -> str:
    if proposal is None:
        return RECORDED
    if proposal.status == Proposal.Status.AUTHORISED and proposal.pk in paid:
        return PAID
    return proposal.status


def _fully_paid(proposals) -> set:
    """Authorised proposals every share of which has a payment not reversed."""
    ids = [p.pk for p in proposals if p.status == Proposal.Status.AUTHORISED]
    owed = defaultdict(set)
    for proposal_id, case_id in Entry.objects.filter(
        proposal_id__in=ids, kind=Entry.Kind.ENTITLEMENT
    ).values_list("proposal_id", "case_id"):
        owed[proposal_id].add(case_id)
    paid = defaultdict(set)
    for proposal_id, case_id in Entry.objects.filter(
        proposal_id__in=ids, kind=Entry.Kind.PAYMENT, reversed_by__isnull=True
    ).values_list("proposal_id", "case_id"):
        paid[proposal_id].add(case_id)
    return {p for p in ids if owed[p] and owed[p] <= paid[p]}


def totals(user) -> dict:
    items = list(access.visible_items(user).select_related("case"))
    restricted = sum(1 for item in items if item.case.restricted)
    ordinary = [item for item in items if not item.case.restricted]
    live = {
        p.item_id: p
        for p in Proposal.objects.filter(item__in=ordinary).exclude(status=Proposal.Status.REJECTED)
    }
    paid = _fully_paid(live.values())
    rows: dict[tuple, list] = defaultdict(lambda: [0, Decimal(0)])
    for item in ordinary:
        proposal = live.get(item.pk)
        moment = (proposal.proposed_at if proposal else None) or item.created_at
        month = timezone.localtime(moment).strftime("%Y-%m") if moment else ""
        key = (item.category, _status(proposal, paid), month)
        rows[key][0] += 1
        if proposal is not None and proposal.amount_usd is not None:
            rows[key][1] += proposal.amount_usd
    return {
        "rows": [
            {"category": c, "status": s, "month": m, "count": n, "amount_usd": total}
            for (c, s, m), (n, total) in sorted(rows.items(), key=lambda kv: (kv[0][2], kv[0][0]))
        ],
        "restricted": restricted,
    }


def as_csv(report: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for row in report["rows"]:
        writer.writerow([row[h] for h in HEADER[:-1]] + [f"{row['amount_usd']:.2f}"])
    if report["restricted"]:
        writer.writerow(["restricted", "", "", report["restricted"], ""])
    return out.getvalue()
