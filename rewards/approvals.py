"""Proposal -> approval -> authorisation -> payment, and reversals. Who does which step:

* **propose** (``assess_rewards``: a finance officer): an amount within the category's range
  of the schedule in force on the handover date (a fixed amount exactly), with a written reason
  whenever it is not the top of the range; the equipment must be marked voluntary and
  serviceable;
* **approve** (``approve_rewards``: a finance officer or a supervisor), not the proposer;
* **authorise** (``approve_rewards`` and ``view_team_cases``: a supervisor who holds the case
  itself, i.e. answers for it in his own team), neither the proposer nor the approver. The
  amount owed to each co-defector (his share) becomes an entitlement in the ledger;
* **pay** (``record_payouts``: a finance officer): a beneficiary's share, with method and
  reference (sealed), the UAH amount at the rate of the payment date (a missing rate refuses),
  EUR for reference;
* **reject** (``approve_rewards``, not the proposer) before authorisation;
* **reverse** a ledger entry (``approve_rewards``, not the person who wrote that entry), with a
  written reason: the correction of a wrong payment or entitlement.

The rules are enforced here, not only in views; the database refuses the same person twice on
a proposal too (rewards/models.py). Every function checks ``rewards.access.holds`` for every
case it touches, runs in one transaction and writes its audit event there (identifiers only).
``actor_private`` (the actor's unwrapped key) is needed only where a restricted case's sealed
values must be read.
"""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.log import record as audit
from cases.states import NO_KEYS, TransitionRefused
from rewards import access, equipment, ledger, rates, schedules
from rewards.equipment import Invalid
from rewards.models import Entry, EquipmentItem, Payment, Proposal
from vault import records
from vault.policy import REWARD, metadata_in_clear

USD, UAH = "USD", "UAH"
METHODS = ("bank_transfer", "cash", "card")
S = Proposal.Status


def _opener(actor, actor_private):
    if actor_private is None:
        return None
    return lambda record: records.open_values(actor, actor_private, record)


def _need(actor, capability: str, refusal: str) -> None:
    if not actor.has_perm(f"accounts.{capability}"):
        raise TransitionRefused(refusal)


def _holds(actor, *cases) -> None:
    for case in cases:
        if not access.holds(actor, case):
            raise TransitionRefused(NO_KEYS)


_PLAIN = re.compile(r"\A[0-9]{1,14}(\.[0-9]{1,2})?\Z")


def _amount(value) -> Decimal | None:
    """A Decimal, or text of plain ASCII digits with at most two decimals: Decimal() would also
    read "3.5e4", "35_000" and other scripts' digits, sealed and shown as something else."""
    if not isinstance(value, Decimal):
        text = str(value).strip()
        if not _PLAIN.match(text):
            return None
        value = text
    try:
        found = value if isinstance(value, Decimal) else Decimal(value)
    except (InvalidOperation, ValueError):
        return None
    if not found.is_finite() or found <= 0 or found.as_tuple().exponent < -2:
        return None
    return found


def _lock(proposal: Proposal) -> Proposal:
    # The item first, as set_shares does: a step never interleaves with a change of the shares
    # (approved with one split, authorised with another).
    EquipmentItem.objects.select_for_update().filter(pk=proposal.item_id).first()
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("item", "item__case", "record")
        .get(pk=proposal.pk)
    )


def _step(proposal: Proposal, step: str, *, actor) -> None:
    """Seal the step's time (a restricted case keeps none in clear) and link it."""
    now = timezone.now()
    record = records.seal(
        proposal.item.case,
        REWARD,
        {"step": step, "at": now.isoformat()},
        kind="reward_step",
        actor=actor,
    )
    proposal.steps.add(record)
    return now if metadata_in_clear(proposal.item.case, "dates") else None


@transaction.atomic
def propose(item: EquipmentItem, amount, reason: str, *, actor, actor_private=None) -> Proposal:
    _need(actor, "assess_rewards", _("Rewards are proposed by a finance officer."))
    item = EquipmentItem.objects.select_for_update().select_related("case").get(pk=item.pk)
    _holds(actor, item.case)
    if item.proposals.exclude(status=S.REJECTED).exists():
        raise TransitionRefused(_("This equipment already has a proposal."))
    opener = _opener(actor, actor_private)
    if opener is None:
        raise TransitionRefused(NO_KEYS)
    found = equipment.facts(item, opener)
    if not (found.get("voluntary") and found.get("serviceable")):
        raise TransitionRefused(
            _("The law pays only for equipment handed over voluntarily and in working order.")
        )
    schedule = schedules.by_id(found["schedule"])
    category = schedule.category(found["category"]) if schedule else None
    if category is None:
        raise TransitionRefused(_("The schedule of this equipment is no longer available."))
    value = _amount(amount)
    errors = {}
    if value is None:
        errors["amount"] = _("Give an amount in US dollars, such as 30000 or 30000.50.")
    elif category.fixed and value != category.low:
        errors["amount"] = _("The schedule sets exactly %(amount)s US dollars.") % {
            "amount": category.low
        }
    elif not category.allows(value):
        errors["amount"] = _("The amount must lie between %(low)s and %(high)s US dollars.") % {
            "low": category.low,
            "high": category.high,
        }
    reason = (reason or "").strip()
    if value is not None and value != category.high and not reason:
        errors["reason"] = _("Write why the amount is below the top of the range.")
    if len(reason) > 2000:
        errors["reason"] = _("At most %(n)d characters.") % {"n": 2000}
    if errors:
        raise Invalid(errors)
    now = timezone.now()
    record = records.seal(
        item.case,
        REWARD,
        {
            "amount": str(value),
            "currency": USD,
            "reason": reason,
            "category": category.id,
            "schedule": schedule.id,
            "proposed_at": now.isoformat(),
        },
        kind="reward_proposal",
        actor=actor,
    )
    proposal = Proposal.objects.create(
        item=item,
        amount_usd=value if metadata_in_clear(item.case, "reward_amount") else None,
        record=record,
        proposed_by=actor,
        proposed_at=now if metadata_in_clear(item.case, "dates") else None,
    )
    audit(
        "reward_proposed",
        actor=actor,
        object_type="case",
        object_id=item.case,
        proposal=str(proposal.pk),
    )
    return proposal


@transaction.atomic
def approve(proposal: Proposal, *, actor) -> Proposal:
    _need(actor, "approve_rewards", _("Rewards are approved by finance or a supervisor."))
    proposal = _lock(proposal)
    _holds(actor, proposal.item.case)
    if proposal.status != S.PROPOSED:
        raise TransitionRefused(_("Only a new proposal can be approved."))
    if actor.pk == proposal.proposed_by_id:
        raise TransitionRefused(_("Someone other than the proposer approves."))
    proposal.status = S.APPROVED
    proposal.approved_by = actor
    proposal.approved_at = _step(proposal, "approved", actor=actor)
    proposal.save(update_fields=["status", "approved_by", "approved_at"])
    audit(
        "reward_approved",
        actor=actor,
        object_type="case",
        object_id=proposal.item.case,
        proposal=str(proposal.pk),
    )
    return proposal


def split(amount: Decimal, shares) -> list[tuple[object, Decimal]]:
    """Each share's part of ``amount`` to the cent; the cents lost to rounding go to the
    largest share, so the parts add up to the amount exactly."""
    parts = [(share.case, (amount * share.percent / 100).quantize(ledger.CENT)) for share in shares]
    rest = amount - sum((p for _c, p in parts), Decimal(0))
    if rest and parts:
        largest = max(range(len(parts)), key=lambda i: shares[i].percent)
        parts[largest] = (parts[largest][0], parts[largest][1] + rest)
    return parts


@transaction.atomic
def authorise(proposal: Proposal, *, actor, actor_private=None) -> Proposal:
    _need(actor, "approve_rewards", _("Rewards are authorised by a supervisor."))
    if not actor.has_perm("accounts.view_team_cases"):
        raise TransitionRefused(_("Rewards are authorised by a supervisor."))
    proposal = _lock(proposal)
    shares = list(proposal.item.shares.select_related("case").order_by("-percent", "pk"))
    _holds(actor, proposal.item.case, *(s.case for s in shares))
    if proposal.status != S.APPROVED:
        raise TransitionRefused(_("Only an approved proposal can be authorised."))
    if actor.pk in (proposal.proposed_by_id, proposal.approved_by_id):
        raise TransitionRefused(_("Someone other than the proposer and the approver authorises."))
    # The amount approved is the sealed one: the plain copy is for reports, and anyone who can
    # write the database could raise it between approval and authorisation.
    opener = _opener(actor, actor_private)
    if opener is None or proposal.record is None:
        raise TransitionRefused(NO_KEYS)
    amount = Decimal(opener(proposal.record)["amount"])
    if proposal.amount_usd is not None and proposal.amount_usd != amount:
        raise TransitionRefused(
            _("The proposal's amount was changed outside the application; reject it.")
        )
    proposal.status = S.AUTHORISED
    proposal.authorised_by = actor
    proposal.authorised_at = _step(proposal, "authorised", actor=actor)
    proposal.save(update_fields=["status", "authorised_by", "authorised_at"])
    for case, part in split(amount, shares):
        ledger.append(case, proposal, Entry.Kind.ENTITLEMENT, part, USD, actor=actor)
    audit(
        "reward_authorised",
        actor=actor,
        object_type="case",
        object_id=proposal.item.case,
        proposal=str(proposal.pk),
        beneficiaries=len(shares),
    )
    return proposal


@transaction.atomic
def reject(proposal: Proposal, *, actor) -> Proposal:
    _need(actor, "approve_rewards", _("Rewards are rejected by finance or a supervisor."))
    proposal = _lock(proposal)
    _holds(actor, proposal.item.case)
    if proposal.status not in (S.PROPOSED, S.APPROVED):
        raise TransitionRefused(_("An authorised proposal is corrected by a reversal."))
    if actor.pk == proposal.proposed_by_id:
        raise TransitionRefused(_("Someone other than the proposer rejects."))
    proposal.status = S.REJECTED
    proposal.rejected_by = actor
    _step(proposal, "rejected", actor=actor)
    proposal.save(update_fields=["status", "rejected_by"])
    audit(
        "reward_rejected",
        actor=actor,
        object_type="case",
        object_id=proposal.item.case,
        proposal=str(proposal.pk),
    )
    return proposal


def _live_entry(proposal, case, kind):
    """The entry of ``kind`` for ``case`` under ``proposal`` that no reversal cancelled."""
    return (
        Entry.objects.filter(proposal=proposal, case=case, kind=kind, reversed_by__isnull=True)
        .select_related("case", "record")
        .order_by("-id")
        .first()
    )


def _authorised_on(proposal, opener) -> date:
    """The day the proposal was authorised: in clear, or (restricted case) from its sealed step."""
    if proposal.authorised_at is not None:
        return timezone.localtime(proposal.authorised_at).date()
    if opener is None:
        raise TransitionRefused(NO_KEYS)
    for record in proposal.steps.all():
        values = opener(record)
        if values.get("step") == "authorised":
            return timezone.localtime(datetime.fromisoformat(values["at"])).date()
    raise TransitionRefused(NO_KEYS)


def _earlier_payers(proposal, case) -> set:
    """Who paid ``case``'s share of ``proposal`` before and who reversed those payments."""
    found = set()
    for entry in Entry.objects.filter(
        proposal=proposal, case=case, kind=Entry.Kind.PAYMENT
    ).select_related("reversed_by"):
        found.add(entry.created_by_id)
        reversal = getattr(entry, "reversed_by", None)
        if reversal is not None:
            found.add(reversal.created_by_id)
    return found


@transaction.atomic
def pay(
    proposal: Proposal,
    case,
    *,
    method: str,
    reference: str,
    paid_on: date,
    actor,
    actor_private=None,
) -> Payment:
    """Pay ``case``'s share of an authorised proposal, in hryvnia at the rate of ``paid_on``."""
    _need(actor, "record_payouts", _("Payouts are recorded by a finance officer."))
    proposal = _lock(proposal)
    _holds(actor, proposal.item.case, case)
    if proposal.status != S.AUTHORISED:
        raise TransitionRefused(_("Only an authorised reward is paid."))
    owed = _live_entry(proposal, case, Entry.Kind.ENTITLEMENT)
    if owed is None:
        raise TransitionRefused(_("This case has no share of this reward."))
    if _live_entry(proposal, case, Entry.Kind.PAYMENT) is not None:
        raise TransitionRefused(_("This share is already paid."))
    if actor.pk in _earlier_payers(proposal, case):
        # A reversed payment may have gone out all the same: paying again is a third person's.
        raise TransitionRefused(
            _("Someone other than the earlier payer and the corrector pays this share again.")
        )
    errors = {}
    if method not in METHODS:
        errors["method"] = _("Choose how it was paid.")
    reference = (reference or "").strip()
    if not reference:
        errors["reference"] = _("Give the payment reference.")
    elif len(reference) > 120:
        errors["reference"] = _("At most %(n)d characters.") % {"n": 120}
    if not isinstance(paid_on, date):
        errors["paid_on"] = _("Give the payment date.")
    elif paid_on > timezone.localdate():
        errors["paid_on"] = _("The payment date cannot be in the future.")
    elif paid_on < _authorised_on(proposal, _opener(actor, actor_private)):
        # The payer picks the date and with it the rate: never a day before the authorisation.
        errors["paid_on"] = _("The payment date cannot be before the reward was authorised.")
    if errors:
        raise Invalid(errors)
    usd = ledger.sealed_amount(owed, _opener(actor, actor_private))
    try:
        found_rate = rates.rate_row(paid_on, UAH)
    except rates.MissingRate as missing:
        raise Invalid({"paid_on": str(missing.message)}) from missing
    if found_rate.imported_by_id == actor.pk:
        # Four eyes on the hryvnia amount: a payer who imported the day's rate himself could
        # pay at any rate he liked (a day's first rate is never checked against another).
        raise TransitionRefused(
            _("Someone other than the payer imports the exchange rate of the payment date.")
        )
    per_usd = found_rate.per_usd
    uah = rates.convert(usd, paid_on, UAH)
    eur = rates.for_reference(usd, paid_on, "EUR")
    record = records.seal(
        case,
        REWARD,
        {
            "method": method,
            "reference": reference,
            "usd": str(usd),
            "uah": str(uah),
            "uah_per_usd": str(per_usd),
            "eur_reference": str(eur) if eur is not None else None,
            "paid_on": paid_on.isoformat(),
        },
        kind="reward_payment",
        actor=actor,
    )
    clear_amount = metadata_in_clear(case, "reward_amount")
    payment = Payment.objects.create(
        proposal=proposal,
        case=case,
        record=record,
        usd=usd if clear_amount else None,
        uah=uah if clear_amount else None,
        paid_on=paid_on if metadata_in_clear(case, "dates") else None,
        paid_by=actor,
    )
    ledger.append(case, proposal, Entry.Kind.PAYMENT, -usd, USD, actor=actor, payment=payment)
    audit(
        "reward_paid",
        actor=actor,
        object_type="case",
        object_id=case,
        proposal=str(proposal.pk),
        payment=str(payment.pk),
        method=method,
    )
    return payment


@transaction.atomic
def reverse(entry: Entry, reason: str, *, actor, actor_private=None) -> Entry:
    """Cancel ``entry`` with an entry of the opposite amount; the original stays."""
    _need(actor, "approve_rewards", _("Corrections are made by finance or a supervisor."))
    entry = Entry.objects.select_related("case", "record", "proposal").get(pk=entry.pk)
    _holds(actor, entry.case)
    if entry.kind == Entry.Kind.REVERSAL:
        raise TransitionRefused(_("A reversal is not reversed; write a new entry instead."))
    if Entry.objects.filter(reverses=entry).exists():
        raise TransitionRefused(_("This entry is already reversed."))
    if actor.pk == entry.created_by_id:
        raise TransitionRefused(_("Someone other than its author reverses an entry."))
    if entry.kind == Entry.Kind.PAYMENT and not actor.has_perm("accounts.view_team_cases"):
        # Reversing a payment makes the share payable again: never two finance officers alone.
        raise TransitionRefused(_("A payment is reversed by a supervisor."))
    reason = (reason or "").strip()
    if not reason:
        raise Invalid({"reason": _("Write why this entry is reversed.")})
    amount = ledger.sealed_amount(entry, _opener(actor, actor_private))
    reversal = ledger.append(
        entry.case,
        entry.proposal,
        Entry.Kind.REVERSAL,
        -amount,
        entry.currency,
        actor=actor,
        reverses=entry,
        note=reason[:2000],
    )
    audit(
        "reward_entry_reversed",
        actor=actor,
        object_type="case",
        object_id=entry.case,
        entry=reversal.pk,
        reverses=entry.pk,
    )
    return reversal
