"""Restricted cases: one supervisor asks, a second approves; only named people see the case."""

import pytest

from audit.models import Event
from cases import restriction
from cases.models import AccessRequest, CaseGrant
from cases.states import TransitionRefused
from tests.vault.conftest import make_case, private_of, unlocked
from vault import crypto, records, signing
from vault import teams as team_keys
from vault.models import RecordKey
from vault.policy import IDENTITY


@pytest.fixture
def second(programme):
    """A second supervisor of the intake team, holding its key."""
    user = programme.staff.make(
        "supervisor2", roles=["supervisor"], teams=[programme.teams["intake"]]
    )
    first = programme.users["supervisor"]
    team_keys.grant(programme.teams["intake"], user, actor=first, actor_private=private_of(first))
    return unlocked(user)


@pytest.fixture
def case(programme):
    case = make_case(programme.teams["intake"])
    records.seal(case, IDENTITY, {"name": "Пилот Вертолётов"}, kind="answers")
    return case


def _client(programme, user):
    client = programme.staff.client(user)
    client.cookies["corridor_language"] = "en"
    return client


def test_one_supervisor_asks_and_a_second_approves(programme, second, case):
    first, officer = programme.users["supervisor"], programme.users["case_officer"]
    asking = _client(programme, first)
    asking.post(f"/cases/{case.number}/access/request/", {"user": [first.pk, officer.pk]})
    case.refresh_from_db()
    assert not case.restricted  # nothing changes on one supervisor's word
    assert AccessRequest.objects.filter(case=case, status="pending").count() == 2
    # The one who asked cannot approve his own request.
    page = asking.post(f"/cases/{case.number}/access/decide/", {"decision": "approve"}, follow=True)
    assert "A second supervisor decides" in page.content.decode()
    case.refresh_from_db()
    assert not case.restricted
    # The second supervisor approves: the case is restricted to the two named people.
    _client(programme, second).post(f"/cases/{case.number}/access/decide/", {"decision": "approve"})
    case.refresh_from_db()
    assert case.restricted
    assert set(case.grants.values_list("user__username", flat=True)) == {
        "supervisor",
        "case_officer",
    }
    grant = CaseGrant.objects.get(case=case, user=officer)
    assert grant.granted_by == first and grant.approved_by == second
    assert case.created_at.month == 1 and case.created_at.day == 1  # only the year in clear
    assert AccessRequest.objects.get(case=case, user=officer).created_at == case.created_at
    # Named people open it; the operator of the team and the approver no longer see it.
    page = _client(programme, officer).get(f"/cases/{case.number}/")
    assert page.status_code == 200 and "Пилот Вертолётов" in page.content.decode()
    assert (
        _client(programme, programme.users["operator"]).get(f"/cases/{case.number}/").status_code
        == 404
    )
    assert _client(programme, second).get(f"/cases/{case.number}/").status_code == 404
    actions = list(
        Event.objects.filter(object_id=case.number).values_list("action", flat=True).order_by("seq")
    )
    assert actions.index("access_requested") < actions.index("case_restricted")
    assert "access_approved" in actions


def test_a_person_asked_for_cannot_approve_himself(programme, second, case):
    first = programme.users["supervisor"]
    restriction.request_access(case, [second], actor=first)
    with pytest.raises(TransitionRefused):
        restriction.decide(case, approve=True, actor=second, actor_private=private_of(second))
    assert not CaseGrant.objects.filter(case=case).exists()


def test_only_supervisors_ask_or_decide(programme, case):
    operator, officer = programme.users["operator"], programme.users["case_officer"]
    assert (
        _client(programme, operator)
        .post(f"/cases/{case.number}/access/request/", {"user": [operator.pk]})
        .status_code
        == 403
    )
    with pytest.raises(TransitionRefused):
        restriction.request_access(case, [officer], actor=officer)
    assert not AccessRequest.objects.exists()


def test_a_decline_changes_nothing(programme, second, case):
    first = programme.users["supervisor"]
    restriction.request_access(case, [first], actor=first)
    restriction.decide(case, approve=False, actor=second, actor_private=None)
    case.refresh_from_db()
    assert not case.restricted and not case.grants.exists()
    assert AccessRequest.objects.get(case=case).status == "declined"
    assert Event.objects.filter(action="access_declined", object_id=case.number).exists()


def _restrict_to_two_supervisors(programme, second, case):
    """The first supervisor asks for himself and the second; a third (neither asked nor asked
    for) approves. Returns the third."""
    first = programme.users["supervisor"]
    restriction.request_access(case, [first, second], actor=first)
    third = programme.staff.make(
        "supervisor3", roles=["supervisor"], teams=[programme.teams["intake"]]
    )
    team_keys.grant(programme.teams["intake"], third, actor=first, actor_private=private_of(first))
    unlocked(third)
    restriction.decide(case, approve=True, actor=third, actor_private=private_of(third))
    return third


def test_naming_one_more_keeps_the_others_copies(programme, second, case):
    """Adding a person to a restricted case seals to him and takes nothing from the others."""
    first, officer = programme.users["supervisor"], programme.users["case_officer"]
    _restrict_to_two_supervisors(programme, second, case)
    record = case.records.get(kind="answers")
    holders = set(record.keys.filter(kind=RecordKey.Kind.USER).values_list("user_id", flat=True))
    assert holders == {first.pk, second.pk}
    # Now name the case officer: first asks, second (named, sees the case) approves.
    case.refresh_from_db()
    restriction.request_access(case, [officer], actor=first)
    restriction.decide(case, approve=True, actor=second, actor_private=private_of(second))
    holders = set(record.keys.filter(kind=RecordKey.Kind.USER).values_list("user_id", flat=True))
    assert holders == {first.pk, second.pk, officer.pk}
    assert records.missing_copies(case) == 0


def test_records_the_approver_cannot_open_wait_for_a_named_user(programme, second, case):
    first, officer = programme.users["supervisor"], programme.users["case_officer"]
    third = _restrict_to_two_supervisors(programme, second, case)
    case.refresh_from_db()
    # An approver who cannot open the records (here: not named, so no copy) leaves them waiting.
    restriction.request_access(case, [officer], actor=first)
    fourth = programme.staff.make(
        "supervisor4", roles=["supervisor"], teams=[programme.teams["intake"]]
    )
    # Named, holding a copy of the sealed true dates only (so he holds the case), not of the
    # answers.
    case.grants.create(user=fourth)
    dates = case.records.get(kind="dates")
    dek = records.data_key(first, private_of(first), dates)
    public = signing.trusted_public(fourth.vault_key)
    dates.keys.create(kind=RecordKey.Kind.USER, user=fourth, sealed_dek=crypto.seal(public, dek))
    restriction.decide(case, approve=True, actor=unlocked(fourth), actor_private=private_of(fourth))
    assert records.missing_copies(case) == 2  # the answers and the case's audit key
    html = _client(programme, first).get(f"/cases/{case.number}/").content.decode()
    assert "2 records are not yet sealed to every named person." in html
    _client(programme, first).post(f"/cases/{case.number}/access/seal/")
    assert records.missing_copies(case) == 0
    # Someone not named cannot run it.
    with pytest.raises(TransitionRefused):
        restriction.seal_for_named(case, actor=third, actor_private=private_of(third))
