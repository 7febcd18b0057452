"""Outcomes (issue 22, point 5): closing needs an outcome and every promised guarantee kept;
guarantees are tracked tasks (who, when, audited); a restricted case keeps outcome and dates
sealed, its clear columns empty."""

from datetime import datetime

import pytest
from django.utils.translation import gettext as _

from audit.models import Event
from cases import restriction, states
from cases.models import Case
from reception import outcomes
from reception.models import Guarantee, Outcome
from tests.cases.test_restricted_times import _only_year
from tests.vault.conftest import make_case, private_of, unlocked
from vault import records
from vault import teams as team_keys
from vault.models import Record
from vault.policy import IDENTITY


@pytest.fixture
def case(programme):
    return make_case(programme.teams["planning"], status=Case.Status.REGISTERED)


@pytest.fixture
def officer(programme):
    return programme.users["case_officer"]


def _client(programme, user, language="en"):
    client = programme.staff.client(user)
    client.cookies["corridor_language"] = language
    return client


def test_closing_without_an_outcome_is_refused(case, officer):
    with pytest.raises(states.TransitionRefused) as refused:
        states.move(case, "close", actor=officer)
    assert refused.value.message == str(_("Record the outcome before closing the case."))
    case.refresh_from_db()
    assert case.status == Case.Status.REGISTERED


def test_closing_with_an_open_guarantee_is_refused_until_it_is_done(case, officer):
    outcomes.record_outcome(case, Outcome.Kind.THIRD_COUNTRY, actor=officer)
    promised = outcomes.promise(case, Guarantee.Kind.NEW_DOCUMENTS, actor=officer)
    with pytest.raises(states.TransitionRefused) as refused:
        states.move(case, "close", actor=officer)
    assert refused.value.message == str(
        _("A promised guarantee is still open: mark it done before closing the case.")
    )
    done = outcomes.mark_done(case, promised.pk, actor=officer)
    assert done.status == "done" and done.done_by == officer and done.done_at is not None
    assert states.move(case, "close", actor=officer).status == Case.Status.CLOSED
    actions = list(
        Event.objects.filter(object_id=case.number).order_by("seq").values_list("action", flat=True)
    )
    assert actions[:3] == ["outcome_recorded", "guarantee_promised", "guarantee_done"]
    assert Event.objects.get(action="outcome_recorded").detail == {"outcome": "third_country"}


def test_an_outcome_cannot_be_recorded_before_reception_or_after_closing(programme, officer):
    early = make_case(programme.teams["planning"], status=Case.Status.PLANNING)
    with pytest.raises(states.TransitionRefused):
        outcomes.record_outcome(early, Outcome.Kind.STAY, actor=officer)
    closed = make_case(programme.teams["planning"], status=Case.Status.CLOSED)
    with pytest.raises(states.TransitionRefused):
        outcomes.promise(closed, Guarantee.Kind.SECRECY, actor=officer)
    assert not Outcome.objects.exists() and not Guarantee.objects.exists()


def test_an_outsider_or_a_role_without_screening_cannot_record(programme, case):
    for role in ("operator", "field_liaison", "finance_officer", "outsider"):
        with pytest.raises(states.TransitionRefused):
            outcomes.record_outcome(case, Outcome.Kind.STAY, actor=programme.users[role])
        response = _client(programme, programme.users[role]).post(
            f"/reception/cases/{case.number}/outcome/record/", {"outcome-kind": "stay"}
        )
        assert response.status_code in (302, 404)
    assert not Outcome.objects.exists()


def test_staff_record_the_outcome_and_tick_a_guarantee_on_the_page(programme, case, officer):
    client = _client(programme, officer)
    url = f"/reception/cases/{case.number}/outcome/"
    assert client.get(url).status_code == 200
    client.post(url + "record/", {"outcome-kind": "exchange"})
    client.post(url + "guarantees/", {"guarantee-kind": "secrecy"})
    guarantee = Guarantee.objects.get(case=case)
    page = client.post(url + f"guarantees/{guarantee.pk}/done/", follow=True).content.decode()
    assert "Exchanged" in page and "Secrecy of the transfer" in page and "done" in page
    assert Outcome.objects.get(case=case).kind == "exchange"
    client.post(url + "record/", {"outcome-kind": "stay"})  # corrected before closing
    assert Outcome.objects.get(case=case).kind == "stay"
    assert Outcome.objects.get(case=case).recorded_by == officer


def test_bad_input_gets_a_translated_error_and_changes_nothing(programme, case, officer):
    client = _client(programme, officer, "uk")
    url = f"/reception/cases/{case.number}/outcome/"
    response = client.post(url + "record/", {"outcome-kind": "vanished"})
    assert response.status_code == 400
    assert "Оберіть один із результатів" in response.content.decode()
    response = _client(programme, officer, "ru").post(url + "guarantees/", {})
    assert response.status_code == 400 and "Выберите одну из гарантий" in response.content.decode()
    page = client.get(url).content.decode()
    assert "Результат" in page and "Наслідок" not in page  # the page in Ukrainian
    assert not Outcome.objects.exists() and not Guarantee.objects.exists()
    assert client.get(url + "record/").status_code == 405


def _restrict(programme, case):
    first = unlocked(programme.users["supervisor"])
    second = programme.staff.make(
        "supervisor2", roles=["supervisor"], teams=[programme.teams["planning"]]
    )
    team_keys.grant(
        programme.teams["planning"], second, actor=first, actor_private=private_of(first)
    )
    officer = programme.users["case_officer"]
    restriction.request_access(case, [first, officer], actor=first)
    restriction.decide(case, approve=True, actor=unlocked(second), actor_private=private_of(second))
    case.refresh_from_db()
    assert case.restricted
    return unlocked(officer)


def _scan_clear(case):
    outcome = Outcome.objects.get(case=case)
    assert outcome.kind == "" and _only_year(outcome.recorded_at)
    for g in Guarantee.objects.filter(case=case):
        assert g.kind == "" and _only_year(g.created_at)
        assert g.done_at is None or _only_year(g.done_at)


def test_a_restricted_case_seals_its_outcome_and_dates(programme, case):
    officer = _restrict(programme, case)
    outcomes.record_outcome(case, Outcome.Kind.STAY, actor=officer)
    outcomes.record_outcome(case, Outcome.Kind.THIRD_COUNTRY, actor=officer)
    assert Record.objects.filter(case=case, kind="outcome").count() == 1  # the old one is gone
    promised = outcomes.promise(case, Guarantee.Kind.THIRD_COUNTRY, actor=officer)
    with pytest.raises(states.TransitionRefused):  # re-sealing the true time needs his key
        outcomes.mark_done(case, promised.pk, actor=officer)
    outcomes.mark_done(case, promised.pk, actor=officer, actor_private=private_of(officer))
    _scan_clear(case)
    # The truth is in sealed records that only the named people (and escrow) open.
    outcome = Outcome.objects.get(case=case)
    values = records.open_values(officer, private_of(officer), outcome.record)
    assert values["kind"] == "third_country"
    assert not _only_year(datetime.fromisoformat(values["at"]))  # the true time, sealed
    assert not records.can_open(programme.users["operator"], outcome.record)
    # Nothing in the audit detail: the events about a restricted case are sealed.
    for event in Event.objects.filter(object_id=case.number, action__startswith="guarantee"):
        assert event.detail == {} and event.sealed is not None
    # The page opens them for a named person.
    page = _client(programme, officer).get(f"/reception/cases/{case.number}/outcome/")
    assert "Left for a third country" in page.content.decode()
    assert states.move(case, "close", actor=officer).status == Case.Status.CLOSED


def test_restricting_a_case_later_moves_its_clear_outcome_into_a_sealed_record(programme, case):
    officer = unlocked(programme.users["case_officer"])
    outcomes.record_outcome(case, Outcome.Kind.JOINED_FORCES, actor=officer)
    outcomes.promise(case, Guarantee.Kind.NEW_DOCUMENTS, actor=officer)
    officer = _restrict(programme, case)
    _scan_clear(case)
    sealed = Record.objects.filter(case=case, kind__in=["outcome", "guarantee"])
    assert sealed.count() == 2
    record = Outcome.objects.get(case=case).record
    values = records.open_values(officer, private_of(officer), record)
    assert values["kind"] == "joined_forces"
    # The planning team's key no longer opens it: named people and escrow only.
    assert not records.can_open(programme.users["operator"], sealed.first())
    assert records.recipients(case, IDENTITY)  # still has named recipients


def test_a_correction_starts_from_the_recorded_outcome(programme, case, officer):
    """The radio buttons came back empty after an outcome was recorded, as if there were none;
    an open guarantee read "відкрито" (opened) in Ukrainian."""
    client = _client(programme, officer, "uk")
    url = f"/reception/cases/{case.number}/outcome/"
    assert "checked" not in client.get(url).content.decode()
    client.post(url + "record/", {"outcome-kind": "stay"})
    client.post(url + "guarantees/", {"guarantee-kind": "secrecy"})
    page = client.get(url).content.decode()
    assert 'value="stay" id="id_outcome-kind_1" checked' in page.replace("required ", "")
    assert page.count(" checked") == 1
    assert "ще не виконано" in page and "відкрито" not in page
