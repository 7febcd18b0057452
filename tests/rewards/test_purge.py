"""Crypto-shredding a case (the retention purge deletes every record of the case) leaves the
ledger as it was and the totals countable: the entries are never changed, their records go."""

from decimal import Decimal

from django.db import transaction

from rewards import equipment, ledger, reports
from rewards.models import Entry, EquipmentItem, Payment, Photo, Proposal
from tests.rewards.conftest import MI8_DAY, authorised, import_rates, key, mi8


def test_a_purge_deletes_the_sealed_content_and_keeps_the_ledger(money, settings, tmp_path):
    import io

    from rewards import approvals

    settings.MEDIA_ROOT = str(tmp_path)
    import_rates(money.second)
    item, proposal = authorised(money)
    equipment.add_photo(
        item,
        io.BytesIO(b"\xff\xd8jpeg"),
        filename="p.jpg",
        content_type="image/jpeg",
        size=6,
        actor=money.officer,
    )
    approvals.pay(
        proposal,
        money.case,
        method="cash",
        reference="R1",
        paid_on=MI8_DAY,
        actor=money.officer,
        actor_private=key(money.officer),
    )
    before = list(
        Entry.objects.filter(case=money.case).values_list("pk", "kind", "amount", "record_id")
    )
    with transaction.atomic():
        money.case.records.all().delete()  # what cases/retention.py's purge does
    assert EquipmentItem.objects.get(pk=item.pk).record is None
    assert Proposal.objects.get(pk=proposal.pk).record is None
    assert Payment.objects.get(proposal=proposal).record is None
    assert not Photo.objects.exists()
    after = list(
        Entry.objects.filter(case=money.case).values_list("pk", "kind", "amount", "record_id")
    )
    assert after == before  # not one column changed
    assert all(e.record is None for e in ledger.entries_of(money.case))
    assert ledger.balance(money.case) == {"USD": Decimal("0.00")}
    assert reports.totals(money.officer)["rows"][0]["status"] == "paid"


def test_the_retention_purge_leaves_nothing_of_a_reward_readable(money, settings, tmp_path):
    """The real purge (cases/retention.py) on a case with equipment, a photo, a paid and
    reversed reward: no record of it is left (nothing opens, escrow's key included), the
    payment reference, the reason and the identifiers are nowhere in clear, the audit details
    name no amount, and the ledger still balances. No rewards purger is needed."""
    import io

    from django.apps import apps

    from audit.models import Event
    from cases import retention
    from cases.models import Case
    from rewards import approvals
    from vault.models import Record, StoredFile

    settings.MEDIA_ROOT = str(tmp_path)
    canaries = ("REF-CANARY-7731", "CANARY-REASON-7731", "CANARY-BORT-7731")
    import_rates(money.boss)
    item, proposal = authorised(money, values=mi8(identifiers=canaries[2]))
    equipment.add_photo(
        item,
        io.BytesIO(b"\xff\xd8jpeg"),
        filename="CANARY.jpg",
        content_type="image/jpeg",
        size=6,
        actor=money.officer,
    )
    payment = approvals.pay(
        proposal,
        money.case,
        method="bank_transfer",
        reference=canaries[0],
        paid_on=MI8_DAY,
        actor=money.officer,
        actor_private=key(money.officer),
    )
    approvals.reverse(Entry.objects.get(payment=payment), canaries[1], actor=money.boss)
    Case.objects.filter(pk=money.case.pk).update(status=Case.Status.CLOSED)
    retention.purge_case(Case.objects.get(pk=money.case.pk))
    assert not Record.objects.filter(case=money.case).exists()
    assert not StoredFile.objects.filter(case=money.case).exists()
    assert not Photo.objects.exists() and not [p for p in tmp_path.rglob("*") if p.is_file()]
    assert Proposal.objects.get(pk=proposal.pk).steps.count() == 0
    assert ledger.balance(money.case) == {"USD": Decimal("500000.00")}
    for model in apps.get_models():  # every text column of every table, audit included
        text = [
            f.attname
            for f in model._meta.concrete_fields
            if f.get_internal_type() in ("CharField", "TextField", "JSONField")
        ]
        for row in model.objects.values_list(*text) if text else ():
            assert not any(c in str(row) for c in canaries), model
    for event in Event.objects.filter(action__startswith="reward"):
        assert "500000" not in str(event.detail)
