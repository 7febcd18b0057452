import os
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rewards import approvals, ledger
from rewards.models import Entry, LedgerError
from tests.rewards.conftest import authorised


@pytest.fixture
def entry(money):
    _item, _proposal = authorised(money)
    return Entry.objects.get(case=money.case)


def test_a_ledger_entry_refuses_save_and_delete(entry):
    entry.amount = Decimal(1)
    with pytest.raises(LedgerError):
        entry.save()
    with pytest.raises(LedgerError):
        entry.delete()


def test_the_ledger_refuses_queryset_update_and_delete(entry):
    with pytest.raises(LedgerError):
        Entry.objects.filter(pk=entry.pk).update(amount=Decimal(1))
    with pytest.raises(LedgerError):
        Entry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(LedgerError):
        Entry.objects.bulk_update([entry], ["amount"])
    assert Entry.objects.get(pk=entry.pk).amount == Decimal("500000.00")


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the trigger exists on PostgreSQL (SQLite relies on the model layer)",
)
def test_the_database_refuses_update_and_delete_going_round_the_model(entry):
    for sql in (
        "UPDATE rewards_entry SET amount = 1 WHERE id = %s",
        "UPDATE rewards_entry SET amount = NULL, created_at = NULL WHERE id = %s",
        "DELETE FROM rewards_entry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    assert Entry.objects.get(pk=entry.pk).amount == Decimal("500000.00")


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the trigger exists on PostgreSQL",
)
def test_the_database_refuses_truncating_the_ledger(entry):
    """Attack: TRUNCATE fires no row trigger, so one statement emptied the whole ledger."""
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred check pending
        cursor.execute("SET LOCAL corridor.refuse_truncate = 'on'")  # as in production
        try:
            cursor.execute("TRUNCATE rewards_entry CASCADE")
        except DatabaseError as refused:
            assert "append-only" in str(refused)
            raise
    assert Entry.objects.filter(pk=entry.pk).exists()


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the trigger exists on PostgreSQL",
)
def test_the_database_allows_only_emptying_a_restricted_cases_entry(entry, money):
    from cases.models import Case

    Case.objects.filter(pk=money.case.pk).update(restricted=True)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE rewards_entry SET amount = NULL, kind = 'payment' WHERE id = %s", [entry.pk]
        )
    for zeroing in (  # the one allowed change never zeroes or shrinks an amount
        "UPDATE rewards_entry SET amount = 0, created_at = NULL WHERE id = %s",
        "UPDATE rewards_entry SET amount = 0.01 WHERE id = %s",
        "UPDATE rewards_entry SET amount = NULL WHERE id = %s",  # the time stays: not the change
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(zeroing, [entry.pk])
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE rewards_entry SET amount = NULL, created_at = NULL WHERE id = %s", [entry.pk]
        )
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM rewards_entry WHERE id = %s", [entry.pk])


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="PostgreSQL's trigger refuses the change itself (above)",
)
def test_an_ordinary_cases_entry_emptied_outside_the_app_is_tampering(entry, money):
    from django.db import models

    models.QuerySet.update(Entry.objects.filter(pk=entry.pk), amount=None)
    with pytest.raises(ledger.LedgerTampered):
        ledger.balance(money.case)


def test_amounts_are_decimal_never_float(money):
    _item, proposal = authorised(money)
    with pytest.raises(TypeError):
        ledger.append(
            money.case, proposal, Entry.Kind.PAYMENT, -500000.0, "USD", actor=money.officer
        )
    assert all(isinstance(e.amount, Decimal) for e in Entry.objects.all())


amounts = st.decimals(
    min_value=Decimal("-1000000"), max_value=Decimal("1000000"), places=2, allow_nan=False
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(["add", "reverse"]), amounts, st.integers(0, 20)), max_size=12
    )
)
def test_a_balance_always_equals_the_sum_of_its_entries(money, steps):
    """Any sequence of entries and reversals (of earlier ones not yet reversed): the balance is
    the exact sum of the entries, and reversing every live entry brings it to zero."""
    from cases.models import Case
    from tests.vault.conftest import make_case

    case = make_case(money.programme.teams["intake"], status=Case.Status.RECEIVED)
    proposal = _any_proposal(money)
    live: dict[int, Decimal] = {}  # the test's own account: entries not reversed
    for step, amount, pick in steps:
        if step == "reverse" and live:
            chosen = sorted(live)[pick % len(live)]
            approvals.reverse(Entry.objects.get(pk=chosen), "исправление", actor=money.boss)
            del live[chosen]
        else:
            made = ledger.append(
                case, proposal, Entry.Kind.PAYMENT, amount, "USD", actor=money.officer
            )
            live[made.pk] = amount
    entries = list(Entry.objects.filter(case=case))
    assert ledger.balance(case).get("USD", Decimal(0)) == sum(live.values(), Decimal(0))
    assert ledger.entries_sum(entries).get("USD", Decimal(0)) == sum(
        (e.amount for e in entries), Decimal(0)
    )
    for pk in sorted(live):
        approvals.reverse(Entry.objects.get(pk=pk), "всё назад", actor=money.boss)
    assert ledger.balance(case).get("USD", Decimal(0)) == 0


def _any_proposal(money):
    from rewards.models import Proposal

    found = Proposal.objects.first()
    if found is None:
        _item, found = authorised(money)
    return found


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="row locks exist on PostgreSQL (SQLite serialises every write)",
)
@pytest.mark.django_db(transaction=True)
def test_shares_being_changed_hold_off_an_approval(money):
    """Attack (a race): officer A submits new shares (set_shares locks the item, checks that no
    proposal is approved yet, then replaces the shares) while B approves; the approval did not
    wait for the item, so shares could change after the approval that fixed them."""
    import threading

    from django.db import OperationalError, connections

    from rewards import equipment
    from rewards.models import EquipmentItem
    from tests.rewards.conftest import key, mi8

    item = equipment.record_item(money.case, mi8(), actor=money.officer)
    proposal = approvals.propose(
        item, Decimal(500_000), "", actor=money.officer, actor_private=key(money.officer)
    )
    locked, release = threading.Event(), threading.Event()

    def shares_in_progress():
        try:
            with transaction.atomic():
                EquipmentItem.objects.select_for_update().get(pk=item.pk)
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    other = threading.Thread(target=shares_in_progress)
    other.start()
    try:
        assert locked.wait(10)
        with pytest.raises(OperationalError), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '300ms'")
            approvals.approve(proposal, actor=money.second)
    finally:
        release.set()
        other.join(10)
    approvals.approve(proposal, actor=money.second)  # once the shares are saved
