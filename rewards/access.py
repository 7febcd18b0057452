"""Who may act on a case's rewards. Access follows the keys the user's session holds
(vault/possession.py), never a row an admin can write.

``cases.access.holds`` is the rule for case pages: it needs ``view_team_cases`` and a key of
the case's own (intake or planning) team, which a finance officer never has (his keys open
nothing of identity, accounts/roles.py). The REWARD compartment is sealed to the finance team
instead (vault/policy.py), so for rewards the rule is:

* a reward capability (``assess_rewards``, ``approve_rewards`` or ``record_payouts``), and
* an ordinary case: an active finance team key held in this session; a user who also sees team
  cases (a supervisor) must hold the case itself as well (``cases.access.holds``), so he acts
  only on the rewards of his own teams' cases;
* a restricted case: named on it, with a data key of it that opens (``named_cases_of``).

An operator or a field liaison has no reward capability and no finance key: nothing of REWARD
opens for him, in the views or in the domain functions (each calls ``holds``).
"""

from django.db.models import Q, QuerySet

from accounts.models import Team
from cases import access as case_access
from vault import possession

CAPABILITIES = ("accounts.assess_rewards", "accounts.approve_rewards", "accounts.record_payouts")


def is_finance(user) -> bool:
    return user is not None and any(user.has_perm(c) for c in CAPABILITIES)


def holds_finance_key(user) -> bool:
    """Whether the user's session verifiably holds an active finance team key."""
    teams = possession.teams_of(user)
    return bool(teams) and Team.objects.filter(pk__in=teams, kind=Team.Kind.FINANCE).exists()


def holds(user, case) -> bool:
    """Whether ``user`` may see and act on the rewards of ``case`` (see the module text)."""
    if not is_finance(user):
        return False
    if case.restricted:
        return case.pk in possession.named_cases_of(user)
    if user.has_perm("accounts.view_team_cases") and not case_access.holds(user, case):
        return False
    return holds_finance_key(user)


def visible_items(user) -> QuerySet:
    """The equipment items whose case the user holds for rewards, for lists."""
    from rewards.models import EquipmentItem

    if not is_finance(user):
        return EquipmentItem.objects.none()
    named = possession.named_cases_of(user)
    restricted = Q(case__restricted=True, case__pk__in=sorted(named))
    if not holds_finance_key(user):
        return EquipmentItem.objects.filter(restricted)
    ordinary = Q(case__restricted=False)
    if user.has_perm("accounts.view_team_cases"):
        ordinary &= Q(case__team_id__in=sorted(possession.teams_of(user)))
    return EquipmentItem.objects.filter(ordinary | restricted)


def case_by_number(user, number: str):
    """The case of that number if the user holds its rewards; None otherwise (a case that
    does not exist and one he does not hold look the same)."""
    from cases.models import Case

    case = Case.objects.filter(number=number[:16]).first() if is_finance(user) else None
    return case if case is not None and holds(user, case) else None
