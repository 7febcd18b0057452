"""Nothing of REWARD opens for an intake operator or a field liaison: not by capability, not by
keys, in the domain functions as in the views."""

from decimal import Decimal

import pytest

from cases.states import TransitionRefused
from rewards import access, approvals, equipment
from rewards.models import EquipmentItem
from tests.rewards.conftest import key, mi8
from tests.vault.conftest import private_of
from vault import records


@pytest.mark.parametrize(
    "role", ["operator", "field_liaison", "case_officer", "auditor", "admin", "outsider"]
)
def test_nobody_outside_finance_and_supervisors_holds_a_cases_rewards(money, role):
    user = money.programme.users[role]
    assert not access.holds(user, money.case)
    with pytest.raises(TransitionRefused):
        equipment.record_item(money.case, mi8(), actor=user)
    item = equipment.record_item(money.case, mi8(), actor=money.officer)
    assert not access.visible_items(user).exists()
    with pytest.raises(records.NoAccess):
        records.open_values(user, private_of(user), item.record)


@pytest.mark.parametrize("role", ["operator", "field_liaison"])
def test_an_operator_or_liaison_cannot_take_any_step(money, role):
    user = money.programme.users[role]
    item = equipment.record_item(money.case, mi8(), actor=money.officer)
    proposal = approvals.propose(
        item, Decimal(500_000), "", actor=money.officer, actor_private=key(money.officer)
    )
    for step in (
        lambda: approvals.propose(
            item, Decimal(500_000), "", actor=user, actor_private=private_of(user)
        ),
        lambda: approvals.approve(proposal, actor=user),
        lambda: approvals.reject(proposal, actor=user),
        lambda: approvals.authorise(proposal, actor=user),
        lambda: equipment.set_shares(item, [(money.case, 100)], actor=user),
    ):
        with pytest.raises(TransitionRefused):
            step()


def test_a_finance_membership_without_the_key_opens_nothing(money):
    """An admin can add someone to the finance team; until a key holder grants the key, he
    holds no case's rewards."""
    newcomer = money.programme.staff.make(
        "finance3", roles=["finance_officer"], teams=[money.programme.teams["finance"]]
    )
    from tests.vault.conftest import unlocked

    newcomer = unlocked(newcomer)
    assert not access.holds(newcomer, money.case)
    with pytest.raises(TransitionRefused):
        equipment.record_item(money.case, mi8(), actor=newcomer)


def test_a_supervisor_acts_only_on_rewards_of_his_own_teams_cases(money):
    from accounts.models import Team
    from tests.vault.conftest import make_case

    elsewhere = make_case(Team.objects.create(name="Intake 2", kind=Team.Kind.INTAKE))
    assert access.holds(money.boss, money.case)
    assert not access.holds(money.boss, elsewhere)
    assert access.holds(money.officer, elsewhere)  # finance holds every ordinary case's rewards
    item = equipment.record_item(elsewhere, mi8(), actor=money.officer)
    assert item in access.visible_items(money.officer)
    assert item not in access.visible_items(money.boss)
    assert EquipmentItem.objects.count() == 1
