"""The only way from a case number to a case for a user. Outside his scope it is "not found".

Access follows the keys a user holds in this request, never a row an admin can write
(vault/possession.py): a user who may see team cases (``accounts.view_team_cases``) sees

* the unrestricted cases of the teams whose active key his session verifiably opens (a
  membership row alone, or a seal row forged in the database, opens nothing), and
* the restricted cases that name him and whose data key he holds.

A user without a bound possession (a command, a test that did not bind one) sees nothing.
Field liaisons, finance officers, auditors and admins see no case page at all; whether they
could open anything is decided again, independently, by their keys (vault/policy.py).

Every domain function that acts on a case checks ``holds`` itself too (cases/states.py,
cases/workflow.py, cases/restriction.py, cases/messages.py), so a caller that skipped this
module is refused all the same.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from cases.models import Case
from vault import possession


def _scope(user):
    """The ids of the teams whose key the user holds and of the restricted cases he holds."""
    return sorted(possession.teams_of(user)), sorted(possession.named_cases_of(user))


def visible_parts(user) -> list[QuerySet]:
    """The user's visible cases as parts without OR, for lists and counts over many cases: the
    teams' unrestricted cases and, only if he holds any, the restricted cases that name him.
    Each part can use the case table's indexes; an OR of the two cannot (bench/cases.py
    measured seconds at 1M cases)."""
    if not user.has_perm("accounts.view_team_cases"):
        return []
    teams, named = _scope(user)
    parts = [Case.objects.filter(restricted=False, team_id__in=teams)]
    if named:
        parts.append(Case.objects.filter(restricted=True, pk__in=named))
    return parts


def visible_cases(user) -> QuerySet:
    """The same cases as one queryset, for look-ups of a few cases (by number, by id)."""
    if not user.has_perm("accounts.view_team_cases"):
        return Case.objects.none()
    teams, named = _scope(user)
    return Case.objects.filter(
        Q(restricted=False, team_id__in=teams) | Q(restricted=True, pk__in=named)
    )


def named_cases(user) -> frozenset:
    """Ids of the restricted cases the user holds (named, with a data key that opens)."""
    if not user.has_perm("accounts.view_team_cases"):
        return frozenset()
    return possession.named_cases_of(user)


def holds(user, case: Case) -> bool:
    """Whether ``user`` may see and act on ``case``: the same rule as ``visible_cases``,
    decided without a query once the request's keys are opened."""
    if user is None or not user.has_perm("accounts.view_team_cases"):
        return False
    if case.restricted:
        return case.pk in possession.named_cases_of(user)
    return case.team_id is not None and case.team_id in possession.teams_of(user)


def case_for_user(user, number: str) -> Case:
    case = visible_cases(user).filter(number=number).first()
    if case is None:
        raise Http404("no such case for this user")
    return case


def triage_queue(user) -> QuerySet:
    """Unverified portal cases of the supervisor's teams."""
    if not user.has_perm("accounts.triage_portal"):
        return Case.objects.none()
    return visible_cases(user).filter(unverified=True)


def triage_parts(user) -> list[QuerySet]:
    """The triage queue as parts (visible_parts), for its list and count."""
    if not user.has_perm("accounts.triage_portal"):
        return []
    return [part.filter(unverified=True) for part in visible_parts(user)]
