from types import SimpleNamespace

import pytest

from accounts.models import Team
from cases.models import Case
from cases.numbering import next_case_number
from tests.factories import PASSWORD
from vault import possession
from vault import staff as staff_keys
from vault import teams as team_keys

# Who is in which team: one persona per role, plus an outsider in no team.
MEMBERSHIP = {
    "operator": ["intake"],
    "case_officer": ["planning", "intake"],
    "field_liaison": ["field"],
    "finance_officer": ["finance"],
    "supervisor": ["intake", "planning"],
    "auditor": [],
    "admin": [],
}


@pytest.fixture
def programme(staff):
    teams = {
        "intake": Team.objects.create(name="Intake", kind=Team.Kind.INTAKE),
        "planning": Team.objects.create(name="Planning", kind=Team.Kind.PLANNING),
        "finance": Team.objects.create(name="Finance", kind=Team.Kind.FINANCE),
        "field": Team.objects.create(name="Field unit 1", kind=Team.Kind.FIELD_UNIT),
    }
    users = {
        role: staff.make(role, roles=[role], teams=[teams[t] for t in names])
        for role, names in MEMBERSHIP.items()
    }
    users["outsider"] = staff.outsider()
    # Seed each team's first key with its members, as the demo does; later members are pending.
    for team in teams.values():
        team_keys.create_first_key(team, holders=list(team.members.all()))
    # Each persona acts as in a request of his own unlocked session (vault/possession.py): what
    # his keys open is worked out on first use. ``unlocked`` again after his keys change.
    for user in users.values():
        unlocked(user)
    return SimpleNamespace(teams=teams, users=users, staff=staff)


def make_case(team=None, **fields) -> Case:
    fields.setdefault("channel", Case.Channel.PORTAL)
    return Case.objects.create(number=next_case_number(), team=team, **fields)


def private_of(user) -> bytes:
    return staff_keys.unlock(user, PASSWORD)


def unlocked(user):
    """Bind to ``user`` what his own key opens now, as a request of his session would (a
    password changed since opens nothing, like a stale session)."""

    def private():
        try:
            return private_of(user)
        except staff_keys.WrongPassword:
            return None

    possession.bind(user, private)
    return user
