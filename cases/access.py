"""The only way from a case number to a case for a user. Outside his scope it is "not found".

A case is visible to a user who may see team cases (``accounts.view_team_cases``) and who is a
member of the case's team, or, for a restricted case, only to the users it names. Field
liaisons, finance officers, auditors and admins see no case page at all; whether they could
open anything is decided again, independently, by their keys (vault/policy.py).
"""

from django.db.models import QuerySet
from django.http import Http404

from cases.models import Case


def visible_cases(user) -> QuerySet:
    """Without joins or DISTINCT, so that every queue can use the case table's indexes: the
    user's few team ids are read first and the restricted cases that name him are a subquery.
    """
    if not user.has_perm("accounts.view_team_cases"):
        return Case.objects.none()
    from django.db.models import Q

    from cases.models import CaseGrant

    teams = list(user.memberships.values_list("team_id", flat=True))
    named = CaseGrant.objects.filter(user=user).values("case_id")
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
