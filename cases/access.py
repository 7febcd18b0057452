"""The only way from a case number to a case for a user. Outside his scope it is "not found".

A case is visible to a user who may see team cases (``accounts.view_team_cases``) and who is a
member of the case's team, or, for a restricted case, only to the users it names. Field
liaisons, finance officers, auditors and admins see no case page at all; whether they could
open anything is decided again, independently, by their keys (vault/policy.py).
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from cases.models import Case


def _scope(user):
    """The user's team ids (read first: a few) and the grants that name him."""
    from cases.models import CaseGrant

    teams = list(user.memberships.values_list("team_id", flat=True))
    return teams, CaseGrant.objects.filter(user=user).values("case_id")


def visible_parts(user) -> list[QuerySet]:
    """The user's visible cases as parts without OR, for lists and counts over many cases: the
    teams' unrestricted cases and, only if he is named on any, the restricted cases that name
    him. Each part can use the case table's indexes; an OR of the two cannot (bench/cases.py
    measured seconds at 1M cases)."""
    if not user.has_perm("accounts.view_team_cases"):
        return []
    teams, named = _scope(user)
    parts = [Case.objects.filter(restricted=False, team_id__in=teams)]
    if named.exists():
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
