"""A relative can be an applicant: the case he opened himself is linked to him, both ways,
only by someone who holds both cases, audited on both, and never revealing a case outside
the actor's scope."""

import pytest
from django.utils import translation

from accounts.models import Team
from audit.models import Event
from cases import restriction
from cases.models import Case
from cases.states import TransitionRefused
from family import links as family_links
from family import relatives
from tests.family.conftest import relative_values
from tests.vault.conftest import make_case, private_of, unlocked
from vault import teams as team_keys


@pytest.fixture
def own_case(programme):
    """The wife called the hotline herself: her own case, in the intake team."""
    return make_case(programme.teams["intake"], channel=Case.Channel.HOTLINE)


def test_it_links_the_relatives_own_case_both_ways(programme, staff, case, officer, own_case):
    wife = relatives.add(case, relative_values(), actor=officer)
    family_links.link_own_case(wife, f" {own_case.number} ", actor=officer)
    wife.refresh_from_db()
    assert wife.own_case == own_case
    on_case = Event.objects.get(action="relative_case_linked", object_id=case.number)
    on_own = Event.objects.get(action="linked_as_relative", object_id=own_case.number)
    assert on_case.detail == on_own.detail == {"relative": str(wife.pk)}
    client = staff.client(programme.users["case_officer"])
    family = client.get(f"/family/cases/{case.number}/").content.decode()
    assert f'href="/cases/{own_case.number}/"' in family
    back = client.get(f"/cases/{own_case.number}/").content.decode()
    assert f'href="/cases/{case.number}/"' in back
    # An operator holds the own case but not the family part: he is not told.
    operator = staff.client(programme.users["operator"])
    assert case.number not in operator.get(f"/cases/{own_case.number}/").content.decode()
    family_links.unlink_own_case(wife, actor=officer)
    wife.refresh_from_db()
    assert wife.own_case is None
    assert Event.objects.filter(action="unlinked_as_relative", object_id=own_case.number).exists()


def test_a_number_outside_the_scope_is_answered_as_one_that_does_not_exist(
    programme, case, officer
):
    other_team = Team.objects.create(name="Intake 2", kind=Team.Kind.INTAKE)
    stranger = programme.staff.make("intake2op", roles=["operator"], teams=[other_team])
    team_keys.create_first_key(other_team, holders=[stranger])
    foreign = make_case(other_team)
    wife = relatives.add(case, relative_values(), actor=officer)
    answers = []
    for number in (foreign.number, "26-99999", ""):
        with translation.override("en"), pytest.raises(TransitionRefused) as refused:
            family_links.link_own_case(wife, number, actor=officer)
        answers.append(str(refused.value.message))
    assert answers == [str(family_links.NOT_IN_SCOPE)] * 3
    with pytest.raises(TransitionRefused):
        family_links.link_own_case(wife, case.number, actor=officer)  # not the case itself
    wife.refresh_from_db()
    assert wife.own_case is None
    assert not Event.objects.filter(action__in=["relative_case_linked", "linked_as_relative"])


def test_a_restricted_own_case_not_held_is_not_even_hinted_at(programme, staff, case, officer):
    """Linked by a named officer; a planner who is not named sees no trace of it."""
    own = make_case(programme.teams["intake"], channel=Case.Channel.HOTLINE)
    first, second = (
        programme.users["supervisor"],
        programme.staff.make(
            "supervisor2", roles=["supervisor"], teams=[programme.teams["intake"]]
        ),
    )
    team_keys.grant(programme.teams["intake"], second, actor=first, actor_private=private_of(first))
    unlocked(first)
    restriction.request_access(own, [officer, first], actor=first)
    restriction.decide(own, approve=True, actor=unlocked(second), actor_private=private_of(second))
    own.refresh_from_db()
    officer = unlocked(officer)
    wife = relatives.add(case, relative_values(), actor=officer)
    family_links.link_own_case(wife, own.number, actor=officer)
    # The link dates the restricted case: the relative's row keeps only the year now.
    wife.refresh_from_db()
    assert (wife.updated_at.month, wife.updated_at.day, wife.updated_at.hour) == (1, 1, 0)
    # Another planner of the team, not named on the restricted case.
    planner = programme.staff.make(
        "planner2",
        roles=["case_officer"],
        teams=[programme.teams["planning"], programme.teams["intake"]],
    )
    for team in (programme.teams["planning"], programme.teams["intake"]):
        team_keys.grant(team, planner, actor=first, actor_private=private_of(first))
    client = staff.client(planner)
    client.cookies["corridor_language"] = "en"
    html = client.get(f"/family/cases/{case.number}/").content.decode()
    assert own.number not in html and "outside your scope" not in html
    # The officer who is named sees it.
    html = (
        staff.client(programme.users["case_officer"])
        .get(f"/family/cases/{case.number}/")
        .content.decode()
    )
    assert own.number in html


def test_a_link_with_a_restricted_case_leaves_no_trace_on_the_other_timeline(
    programme, staff, case, officer
):
    """The link is audited only on the restricted side (sealed there), as a possible-duplicate
    link is (cases/workflow.py): an event on the unrestricted case's timeline, at its true
    time, would tell its readers that a case they cannot see exists and date it."""
    own = make_case(programme.teams["intake"], channel=Case.Channel.HOTLINE)
    first = programme.users["supervisor"]
    second = programme.staff.make(
        "supervisor2", roles=["supervisor"], teams=[programme.teams["intake"]]
    )
    team_keys.grant(programme.teams["intake"], second, actor=first, actor_private=private_of(first))
    unlocked(first)
    restriction.request_access(own, [officer, first], actor=first)
    restriction.decide(own, approve=True, actor=unlocked(second), actor_private=private_of(second))
    officer = unlocked(officer)
    wife = relatives.add(case, relative_values(), actor=officer)
    family_links.link_own_case(wife, own.number, actor=officer)
    family_links.unlink_own_case(wife, actor=officer)
    actions = ["relative_case_linked", "relative_case_unlinked"]
    assert not Event.objects.filter(object_id=case.number, action__in=actions).exists()
    on_restricted = Event.objects.filter(
        object_id=own.number, action__in=["linked_as_relative", "unlinked_as_relative"]
    )
    assert on_restricted.count() == 2 and all(e.sealed and e.detail == {} for e in on_restricted)
