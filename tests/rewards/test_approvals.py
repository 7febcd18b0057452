from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from audit.models import Event
from cases.states import TransitionRefused
from rewards import approvals, equipment, ledger
from rewards.equipment import Invalid
from rewards.models import Entry, Proposal
from tests.rewards.conftest import MI8_DAY, authorised, import_rates, key, mi8
from tests.vault.conftest import make_case
from vault import records


def _propose(money, values, amount, reason=""):
    item = equipment.record_item(money.case, values, actor=money.officer)
    return approvals.propose(
        item, amount, reason, actor=money.officer, actor_private=key(money.officer)
    )


def test_the_helicopter_pays_500000_dollars_in_hryvnia_and_463000_euro_for_reference(money):
    import_rates(money.second)
    item, proposal = authorised(money)
    assert proposal.amount_usd == Decimal(500_000)
    assert ledger.balance(money.case) == {"USD": Decimal("500000.00")}
    payment = approvals.pay(
        proposal,
        money.case,
        method="bank_transfer",
        reference="PAY-1",
        paid_on=MI8_DAY,
        actor=money.officer,
        actor_private=key(money.officer),
    )
    assert payment.usd == Decimal("500000.00")
    assert payment.uah == Decimal("18284300.00")  # ≈ UAH 18 million (DOMAIN.md)
    sealed = records.open_values(money.officer, key(money.officer), payment.record)
    assert sealed["eur_reference"] == "463000.00"
    assert sealed["method"] == "bank_transfer" and sealed["reference"] == "PAY-1"
    assert ledger.balance(money.case) == {"USD": Decimal("0.00")}


def test_a_fixed_amount_is_exactly_that_amount(money):
    with pytest.raises(Invalid) as refused:
        _propose(money, mi8(), Decimal(450_000), "торг")
    assert "amount" in refused.value.errors


@pytest.mark.parametrize(
    ("amount", "reason", "field"),
    [
        (Decimal(24_999), "ниже", "amount"),
        (Decimal("35000.01"), "выше", "amount"),
        (Decimal(30_000), "", "reason"),
        ("тридцать тысяч", "", "amount"),
        (Decimal("30000.001"), "x", "amount"),
    ],
)
def test_a_multiple_rocket_launcher_is_paid_only_within_25000_to_35000(
    money, amount, reason, field
):
    with pytest.raises(Invalid) as refused:
        _propose(money, mi8(category="mlrs", model="BM-21"), amount, reason)
    assert field in refused.value.errors


def test_the_top_of_the_range_needs_no_reason_and_below_it_one_is_written(money):
    top = _propose(money, mi8(category="mlrs", model="BM-21"), Decimal(35_000))
    assert top.amount_usd == Decimal(35_000)
    lower = _propose(money, mi8(category="mlrs", model="BM-27"), Decimal(30_000), "без пакета")
    assert records.open_values(money.officer, key(money.officer), lower.record)["reason"]


def test_equipment_not_in_working_order_gets_no_proposal(money):
    with pytest.raises(TransitionRefused):
        _propose(money, mi8(serviceable=False), Decimal(500_000))


def test_the_schedule_comes_from_the_handover_date(money):
    with pytest.raises(Invalid) as refused:
        equipment.record_item(money.case, mi8(handed_over_on=date(2022, 3, 1)), actor=money.officer)
    assert "handed_over_on" in refused.value.errors


def test_the_proposer_cannot_approve_his_own_proposal(money):
    proposal = _propose(money, mi8(), Decimal(500_000))
    with pytest.raises(TransitionRefused):
        approvals.approve(proposal, actor=money.officer)
    assert Proposal.objects.get(pk=proposal.pk).status == Proposal.Status.PROPOSED


def test_the_approver_cannot_also_authorise(money, programme):
    proposal = _propose(money, mi8(), Decimal(500_000))
    approvals.approve(proposal, actor=money.boss)  # a supervisor may approve
    with pytest.raises(TransitionRefused):
        approvals.authorise(proposal, actor=money.boss, actor_private=key(money.boss))
    assert not Entry.objects.exists()


def test_the_proposer_cannot_authorise_and_a_finance_officer_never_does(money):
    proposal = _propose(money, mi8(), Decimal(500_000))
    approvals.approve(proposal, actor=money.second)
    for actor in (money.officer, money.second):
        with pytest.raises(TransitionRefused):
            approvals.authorise(proposal, actor=actor, actor_private=key(actor))
    assert Proposal.objects.get(pk=proposal.pk).status == Proposal.Status.APPROVED


def test_the_database_refuses_the_same_person_twice_on_a_proposal(money):
    from django.db import IntegrityError, transaction

    proposal = _propose(money, mi8(), Decimal(500_000))
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.filter(pk=proposal.pk).update(approved_by=money.officer)


def test_every_step_is_audited_without_personal_data(money):
    import_rates(money.second)
    _item, proposal = authorised(money)
    approvals.pay(
        proposal,
        money.case,
        method="cash",
        reference="Иванову лично",
        paid_on=MI8_DAY,
        actor=money.officer,
        actor_private=key(money.officer),
    )
    actions = list(
        Event.objects.filter(object_id=money.case.number).values_list("action", "detail")
    )
    names = [a for a, _d in actions]
    for action in (
        "reward_item_recorded",
        "reward_proposed",
        "reward_approved",
        "reward_authorised",
        "reward_paid",
    ):
        assert action in names
    text = str(actions)
    assert "Иванову" not in text and "Mi-8" not in text and "500000" not in text


def test_a_missing_rate_is_an_error_not_a_guess(money):
    import_rates(money.second, "2023-09-04,UAH,36.5686", "2023-09-06,UAH,36.57")
    _item, proposal = authorised(money)
    with pytest.raises(Invalid) as refused:
        approvals.pay(
            proposal,
            money.case,
            method="cash",
            reference="R1",
            paid_on=MI8_DAY,
            actor=money.officer,
            actor_private=key(money.officer),
        )
    assert "paid_on" in refused.value.errors
    assert not proposal.payments.exists()


def test_a_share_is_paid_once_and_a_reversal_restores_the_balance(money):
    import_rates(money.boss)  # neither payer imports the rate
    _item, proposal = authorised(money)
    pay = dict(
        method="cash",
        reference="R1",
        paid_on=MI8_DAY,
        actor=money.officer,
        actor_private=key(money.officer),
    )
    payment = approvals.pay(proposal, money.case, **pay)
    with pytest.raises(TransitionRefused):
        approvals.pay(proposal, money.case, **pay)
    paid = Entry.objects.get(payment=payment)
    with pytest.raises(TransitionRefused):  # four eyes on corrections too
        approvals.reverse(paid, "ошибка", actor=money.officer)
    with pytest.raises(Invalid):
        approvals.reverse(paid, "", actor=money.boss)
    reversal = approvals.reverse(paid, "ошибочный платёж", actor=money.boss)
    assert reversal.amount == Decimal("500000.00")
    assert ledger.balance(money.case) == {"USD": Decimal("500000.00")}
    with pytest.raises(TransitionRefused):
        approvals.reverse(paid, "снова", actor=money.boss)
    pay["actor"], pay["actor_private"] = money.second, key(money.second)
    approvals.pay(proposal, money.case, **pay)  # paid again after the correction
    assert ledger.balance(money.case) == {"USD": Decimal("0.00")}


def test_co_defectors_share_the_amount_exactly(money):
    other = make_case(money.programme.teams["intake"])
    third = make_case(money.programme.teams["intake"])
    item = equipment.record_item(
        money.case, mi8(category="mlrs", model="BM-21"), actor=money.officer
    )
    equipment.set_shares(
        item,
        [(money.case, "33.34"), (other, "33.33"), (third, Decimal("33.33"))],
        actor=money.officer,
    )
    proposal = approvals.propose(
        item, Decimal("35000"), "", actor=money.officer, actor_private=key(money.officer)
    )
    approvals.approve(proposal, actor=money.second)
    approvals.authorise(proposal, actor=money.boss, actor_private=key(money.boss))
    parts = [ledger.balance(c)["USD"] for c in (money.case, other, third)]
    assert sum(parts) == Decimal(35_000)
    assert parts == [Decimal("11669.00"), Decimal("11665.50"), Decimal("11665.50")]
    with pytest.raises(TransitionRefused):  # fixed once approved
        equipment.set_shares(item, [(money.case, 100)], actor=money.officer)


@pytest.mark.parametrize(
    "shares",
    [
        [("own", "60"), ("other", "30")],
        [("own", "60"), ("other", "40.5")],
        [("own", "33.333"), ("other", "66.667")],
        [("own", "100"), ("other", "0")],
        [("own", "-10"), ("other", "110")],
        [("own", "50"), ("own", "50")],
        [("other", "100")],
        [("own", "NaN"), ("other", "50")],
    ],
)
def test_shares_that_do_not_add_up_to_exactly_100_are_refused(money, shares):
    other = make_case(money.programme.teams["intake"])
    item = equipment.record_item(money.case, mi8(), actor=money.officer)
    cases = {"own": money.case, "other": other}
    with pytest.raises(Invalid):
        equipment.set_shares(item, [(cases[c], v) for c, v in shares], actor=money.officer)
    assert [s.percent for s in item.shares.all()] == [Decimal(100)]


def test_a_payer_cannot_pay_at_a_rate_he_imported_himself(money):
    """Attack: a finance officer imports a made-up hryvnia rate for a day that has none yet and
    pays at it the same minute. The day's first rate is checked against nothing, so the rate
    is a second person's."""
    import_rates(money.officer, f"{MI8_DAY.isoformat()},UAH,365.686")
    _item, proposal = authorised(money)
    pay = dict(method="cash", reference="R1", paid_on=MI8_DAY, actor_private=None)
    with translation.override("en"), pytest.raises(TransitionRefused) as refused:
        approvals.pay(proposal, money.case, actor=money.officer, **pay)
    assert "imports the exchange rate" in str(refused.value.message)
    assert not proposal.payments.exists()
    payment = approvals.pay(proposal, money.case, actor=money.second, **pay)
    assert payment.uah == Decimal("182843000.00")  # another officer may pay at it


def test_two_finance_officers_cannot_pay_a_share_twice_by_reversing_the_payment(money):
    """Attack: officer A pays, officer B "corrects" the payment with a reversal, A pays again:
    two payouts, a balance of zero, and no supervisor ever involved. A payment is reversed by
    a supervisor only, and the share is paid again by someone other than the earlier payer and
    the corrector."""
    import_rates(money.second)
    _item, proposal = authorised(money)
    pay = dict(method="cash", reference="R1", paid_on=MI8_DAY, actor_private=None)
    paid = Entry.objects.get(
        payment=approvals.pay(proposal, money.case, actor=money.officer, **pay)
    )
    with pytest.raises(TransitionRefused):
        approvals.reverse(paid, "ошибка", actor=money.second)
    assert ledger.balance(money.case) == {"USD": Decimal("0.00")}
    approvals.reverse(paid, "ошибка", actor=money.boss)
    with pytest.raises(TransitionRefused):
        approvals.pay(proposal, money.case, actor=money.officer, **pay)
    assert proposal.payments.count() == 1


def test_an_amount_raised_in_the_database_after_approval_is_not_authorised(money):
    """Attack (database write access): the proposal's plain amount is raised after approval;
    authorisation used to write the entitlements from that column. The amount approved is the
    sealed one; a plain copy that differs from it is refused as tampering."""
    item = equipment.record_item(money.case, mi8(category="mlrs"), actor=money.officer)
    proposal = approvals.propose(
        item,
        Decimal(25_000),
        "неполный комплект",
        actor=money.officer,
        actor_private=key(money.officer),
    )
    approvals.approve(proposal, actor=money.second)
    Proposal.objects.filter(pk=proposal.pk).update(amount_usd=Decimal(35_000))
    with pytest.raises(TransitionRefused):
        approvals.authorise(proposal, actor=money.boss, actor_private=key(money.boss))
    assert not Entry.objects.filter(proposal=proposal).exists()
    with pytest.raises(TransitionRefused):  # and not without the keys to check it
        approvals.authorise(proposal, actor=money.boss, actor_private=None)


def test_a_payment_cannot_be_backdated_before_its_authorisation_to_pick_a_rate(money):
    """Attack: the payer chooses the payment date, and with it the day's rate; dating the
    payment years back picks the imported day whose hryvnia rate suits him best. Money is
    never paid before the reward was authorised."""
    import_rates(money.boss, "2022-03-01,UAH,60.0")  # a made-up day of a very high rate
    _item, proposal = authorised(money)  # authorised on 2023-09-01 (conftest)
    with pytest.raises(Invalid) as refused:
        approvals.pay(
            proposal,
            money.case,
            method="cash",
            reference="R1",
            paid_on=date(2022, 3, 1),
            actor=money.officer,
            actor_private=None,
        )
    assert "paid_on" in refused.value.errors
    assert not proposal.payments.exists()


def test_a_deactivated_approver_approves_nothing(money):
    """Attack: a second account of the proposer, or a departed colleague's, approves after its
    deactivation. Capabilities follow is_active (accounts.models.User.has_perm)."""
    item = equipment.record_item(money.case, mi8(), actor=money.officer)
    proposal = approvals.propose(
        item, Decimal(500_000), "", actor=money.officer, actor_private=key(money.officer)
    )
    money.second.is_active = False
    money.second.save(update_fields=["is_active"])
    with pytest.raises(TransitionRefused):
        approvals.approve(proposal, actor=money.second)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PROPOSED and proposal.approved_by is None


@pytest.mark.parametrize(
    "amount",
    [
        "NaN",
        "sNaN",
        "Infinity",
        "-Infinity",
        "1e-30",
        "30000.001",
        "1E+400",
        "-30000",
        "0",
        "3" * 200,
        "",
        "тридцать",
        "30000.00000000000000000001",
    ],
)
def test_odd_amounts_are_named_never_a_crash(money, amount):
    item = equipment.record_item(money.case, mi8(category="mlrs"), actor=money.officer)
    with pytest.raises(Invalid) as invalid:
        approvals.propose(
            item, amount, "причина", actor=money.officer, actor_private=key(money.officer)
        )
    assert "amount" in invalid.value.errors
    assert not Proposal.objects.exists()


def test_a_finance_officer_turned_supervisor_cannot_authorise_his_own_proposal(money):
    """Attack: the proposer is later given the supervisor's role (or the approver is) and
    authorises the reward himself. The four-eyes rules compare people, not roles."""
    item = equipment.record_item(money.case, mi8(), actor=money.officer)
    proposal = approvals.propose(
        item, Decimal(500_000), "", actor=money.officer, actor_private=key(money.officer)
    )
    approvals.approve(proposal, actor=money.second)
    for former in (money.officer, money.second):
        former.has_perm = lambda perm, obj=None: True  # every capability, a supervisor's too
        with pytest.raises(TransitionRefused):
            approvals.authorise(proposal, actor=former, actor_private=key(former))
    assert not Entry.objects.filter(proposal=proposal).exists()


@pytest.mark.parametrize("amount", ["3.5e4", "35_000", "٣٥٠٠٠", "３５０００", "+35000", " 35000e0"])
def test_an_amount_written_otherwise_than_as_plain_digits_is_refused(money, amount):
    """Attack: Decimal() reads "3.5e4", "35_000" and other scripts' digits as 35000, and the
    sealed record then shows the approver "3.5E+4": what he reads is not the plain figure the
    form asks for. Only ASCII digits with at most two decimals are an amount."""
    item = equipment.record_item(money.case, mi8(category="mlrs"), actor=money.officer)
    with pytest.raises(Invalid):
        approvals.propose(item, amount, "", actor=money.officer, actor_private=key(money.officer))
    assert not Proposal.objects.exists()
