from decimal import Decimal

from rewards import reports
from tests.rewards.conftest import authorised, mi8
from tests.rewards.test_restricted import _restrict, named  # noqa: F401  (fixture)
from tests.vault.conftest import make_case


def test_a_restricted_case_is_counted_never_broken_down(money, named):  # noqa: F811
    other = make_case(money.programme.teams["intake"])
    from rewards import equipment

    equipment.record_item(other, mi8(category="mlrs", model="BM-21"), actor=money.officer)
    authorised(money)  # the helicopter, on the case that becomes restricted
    first, _second = _restrict(money, named)
    found = reports.totals(money.officer)
    assert [(r["category"], r["status"], r["count"]) for r in found["rows"]] == [
        ("mlrs", "recorded", 1)
    ]
    # The named supervisor (no finance key) holds only the restricted case: one count, no row.
    assert reports.totals(first)["rows"] == []
    text = reports.as_csv(reports.totals(first))
    assert "combat_helicopter" not in text and "500000" not in text and "restricted,,,1," in text
    assert reports.totals(first)["restricted"] == 1  # named: he holds it, so it is counted
    assert reports.totals(money.officer)["restricted"] == 0  # finance does not hold it


def test_totals_add_up_by_category_status_and_month(money):
    authorised(money)
    other = make_case(money.programme.teams["intake"])
    from rewards import approvals, equipment
    from tests.rewards.conftest import key

    item = equipment.record_item(other, mi8(), actor=money.officer)
    approvals.propose(
        item, Decimal(500_000), "", actor=money.officer, actor_private=key(money.officer)
    )
    rows = reports.totals(money.boss)["rows"]
    assert {(r["status"], r["count"], r["amount_usd"]) for r in rows} == {
        ("authorised", 1, Decimal(500_000)),
        ("proposed", 1, Decimal(500_000)),
    }
    assert all(r["category"] == "combat_helicopter" and len(r["month"]) == 7 for r in rows)
