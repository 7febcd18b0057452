"""A restricted case keeps no equipment category, reward amount or date in clear: the columns
are empty and the values are in sealed records only its named people (and escrow) open."""

from decimal import Decimal

import pytest
from django.utils import timezone

from cases import restriction
from cases.states import TransitionRefused
from rewards import access, approvals, equipment, ledger
from rewards.models import Entry, EquipmentItem, Payment, Proposal
from tests.rewards.conftest import MI8_DAY, authorised, import_rates, key, mi8
from tests.vault.conftest import private_of, unlocked
from vault import records
from vault import teams as team_keys


@pytest.fixture
def named(money):
    """Two supervisors of the intake team to be named; the restriction is approved by the
    supervisor who holds the finance key as well, so he re-seals the reward records to them."""
    programme = money.programme
    first = programme.users["supervisor"]
    other = programme.staff.make("sup2", roles=["supervisor"], teams=[programme.teams["intake"]])
    team_keys.grant(programme.teams["intake"], other, actor=first, actor_private=private_of(first))
    return [unlocked(first), unlocked(other)]


def _restrict(money, named):
    restriction.request_access(money.case, named, actor=named[0])
    restriction.decide(money.case, approve=True, actor=money.boss, actor_private=key(money.boss))
    money.case.refresh_from_db()
    assert money.case.restricted
    return [unlocked(u) for u in named]


def test_restricting_a_case_empties_category_amounts_and_dates(money, named):
    import_rates(money.second)
    item, proposal = authorised(money)
    approvals.pay(
        proposal,
        money.case,
        method="cash",
        reference="R1",
        paid_on=MI8_DAY,
        actor=money.officer,
        actor_private=key(money.officer),
    )
    named = _restrict(money, named)
    item = EquipmentItem.objects.get(pk=item.pk)
    assert (item.category, item.schedule, item.handed_over_on, item.created_at) == (
        "",
        "",
        None,
        None,
    )
    proposal = Proposal.objects.get(pk=proposal.pk)
    assert proposal.amount_usd is None
    assert (proposal.proposed_at, proposal.approved_at, proposal.authorised_at) == (
        None,
        None,
        None,
    )
    payment = Payment.objects.get(proposal=proposal)
    assert (payment.usd, payment.uah, payment.paid_on) == (None, None, None)
    assert set(Entry.objects.filter(case=money.case).values_list("amount", "created_at")) == {
        (None, None)
    }
    # The values are sealed, for the named people.
    reader = named[0]
    opener = lambda r: records.open_values(reader, private_of(reader), r)  # noqa: E731
    assert equipment.facts(item, opener)["category"] == "combat_helicopter"
    assert opener(payment.record)["uah"] == "18284300.00"
    assert ledger.balance(money.case, opener) == {"USD": Decimal("0.00")}
    with pytest.raises(records.NoAccess):
        ledger.balance(money.case)
    # The finance officer, who cannot be named on a restricted case, no longer holds it.
    assert not access.holds(unlocked(money.officer), money.case)
    assert not access.visible_items(money.officer).exists()


def test_steps_after_the_restriction_write_nothing_in_clear(money, named):
    item = equipment.record_item(money.case, mi8(), actor=money.officer)
    proposal = approvals.propose(
        item, Decimal(500_000), "", actor=money.officer, actor_private=key(money.officer)
    )
    first, second = _restrict(money, named)
    approvals.approve(proposal, actor=first)
    with pytest.raises(TransitionRefused):  # he approved: not also the authoriser
        approvals.authorise(proposal, actor=first, actor_private=private_of(first))
    approvals.authorise(proposal, actor=second, actor_private=private_of(second))
    proposal = Proposal.objects.get(pk=proposal.pk)
    assert proposal.status == Proposal.Status.AUTHORISED
    assert (proposal.amount_usd, proposal.approved_at, proposal.authorised_at) == (None, None, None)
    entry = Entry.objects.get(case=money.case)
    assert entry.amount is None and entry.created_at is None
    opened = records.open_values(second, private_of(second), entry.record)
    assert opened["amount"] == "500000.00"
    assert opened["at"][:10] == timezone.now().date().isoformat()
    steps = [records.open_values(first, private_of(first), r) for r in proposal.steps.all()]
    assert {s["step"] for s in steps} == {"approved", "authorised"}
    with pytest.raises(TransitionRefused):  # no finance officer holds a restricted case
        approvals.pay(
            proposal,
            money.case,
            method="cash",
            reference="R",
            paid_on=MI8_DAY,
            actor=money.officer,
            actor_private=key(money.officer),
        )
