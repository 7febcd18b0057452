from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from cases.models import Case
from tests.vault.conftest import make_case, private_of, unlocked
from vault import teams as team_keys

MI8_DAY = date(2023, 9, 5)  # the reward announced for the Mi-8 (DOMAIN.md, origin case (a))
AUTHORISED_DAY = date(2023, 9, 1)  # the tests' rewards are authorised before they are paid


@pytest.fixture
def money(programme):
    """Two finance officers and a supervisor who holds the intake and finance keys, each bound
    to what his keys open; a received case of the intake team."""
    finance, intake = programme.teams["finance"], programme.teams["intake"]
    holder = programme.users["finance_officer"]
    second = programme.staff.make("finance2", roles=["finance_officer"], teams=[finance])
    boss = programme.staff.make("boss", roles=["supervisor"], teams=[intake, finance])
    team_keys.grant(finance, second, actor=holder, actor_private=private_of(holder))
    team_keys.grant(finance, boss, actor=holder, actor_private=private_of(holder))
    first_sup = programme.users["supervisor"]
    team_keys.grant(intake, boss, actor=first_sup, actor_private=private_of(first_sup))
    case = make_case(intake, status=Case.Status.RECEIVED, language="ru")
    return SimpleNamespace(
        officer=unlocked(holder),
        second=unlocked(second),
        boss=unlocked(boss),
        case=case,
        programme=programme,
    )


def key(user):
    return private_of(user)


def mi8(**changes) -> dict:
    values = {
        "category": "combat_helicopter",
        "handed_over_on": date(2023, 8, 9),
        "model": "Mi-8AMTSh",
        "identifiers": "бортовой номер 00",
        "notes": "",
        "voluntary": True,
        "serviceable": True,
        "armament": False,
        "documents": True,
    }
    values.update(changes)
    return values


def import_rates(actor, *lines):
    from rewards import rates

    text = "date,currency,rate\n" + "\n".join(
        lines
        or [
            f"{MI8_DAY.isoformat()},UAH,36.5686",
            f"{MI8_DAY.isoformat()},EUR,0.926",
        ]
    )
    return rates.import_csv(text, actor=actor)


def authorised(money, values=None, amount=Decimal(500_000), reason=""):
    """An item recorded, proposed by the first officer, approved by the second, authorised by
    the supervisor."""
    from rewards import approvals, equipment

    item = equipment.record_item(money.case, values or mi8(), actor=money.officer)
    proposal = approvals.propose(
        item, amount, reason, actor=money.officer, actor_private=key(money.officer)
    )
    approvals.approve(proposal, actor=money.second)
    approvals.authorise(proposal, actor=money.boss, actor_private=key(money.boss))
    back_to(proposal)
    proposal.refresh_from_db()
    return item, proposal


def back_to(proposal, day=AUTHORISED_DAY):
    """Date the authorisation back to ``day`` (the tests pay at the 2023 rates, and a payment
    is never dated before its authorisation); a restricted case keeps no time to move."""
    from datetime import datetime, time

    from django.utils import timezone

    from rewards.models import Proposal

    moment = timezone.make_aware(datetime.combine(day, time(12)))
    Proposal.objects.filter(pk=proposal.pk, authorised_at__isnull=False).update(
        authorised_at=moment
    )
