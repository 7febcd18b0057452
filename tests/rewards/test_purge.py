"""Crypto-shredding a case (the retention purge deletes every record of the case) leaves the
ledger as it was and the totals countable: the entries are never changed, their records go."""

from decimal import Decimal

from django.db import transaction

from rewards import equipment, ledger, reports
from rewards.models import Entry, EquipmentItem, Payment, Photo, Proposal
from tests.rewards.conftest import MI8_DAY, authorised, import_rates, key


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
