"""Relocation status: identified → contacted → relocation planned → in transit → safe, or
failed with a reason; each step a domain function with its guard and its audit event (ids and
codes only), wrong steps refused with a translated message."""

import json

import pytest
from django.utils import translation

from audit import log
from audit.models import Event
from cases.models import Case
from cases.states import NO_KEYS, TransitionRefused
from family import relatives
from family.models import Relative
from tests.family.conftest import NAME, relative_values, walk_to
from tests.vault.conftest import make_case, unlocked
from vault.models import Record


def test_the_whole_way_to_safe_is_audited_step_by_step(case, officer):
    relative = relatives.add(case, relative_values(), actor=officer)
    assert relative.status == Relative.Status.IDENTIFIED
    relative = walk_to(relative, "safe", officer)
    assert relative.status == Relative.Status.SAFE
    added = Event.objects.get(action="relative_added", object_id=case.number)
    assert added.detail == {"relative": str(relative.pk)} and added.actor == officer
    steps = Event.objects.filter(action="relocation_step", object_id=case.number).order_by("seq")
    assert [(e.detail["step"], e.detail["before"], e.detail["after"]) for e in steps] == [
        ("contact", "identified", "contacted"),
        ("plan", "contacted", "planned"),
        ("depart", "planned", "in_transit"),
        ("arrive", "in_transit", "safe"),
    ]
    assert log.verify()[1] is None  # the chain holds
    everything = json.dumps([e.detail for e in Event.objects.all()], ensure_ascii=False)
    for secret in relative_values().values():
        if secret != "spouse":
            assert secret not in everything


def test_a_step_out_of_order_is_refused_in_the_staff_language(case, officer):
    relative = relatives.add(case, relative_values(), actor=officer)
    with translation.override("uk"), pytest.raises(TransitionRefused) as refused:
        relatives.step(relative, "arrive", actor=officer)
    assert str(refused.value.message) == (
        "Цей крок неможливий з поточного статусу родича (Виявлено)."
    )
    relative.refresh_from_db()
    assert relative.status == Relative.Status.IDENTIFIED
    with pytest.raises(TransitionRefused):
        relatives.step(relative, "retry", actor=officer)
    with pytest.raises(TransitionRefused):
        relatives.step(relative, "teleport", actor=officer)
    assert not Event.objects.filter(action="relocation_step").exists()


def test_failing_needs_a_reason_from_the_list_and_seals_it(case, officer):
    relative = walk_to(relatives.add(case, relative_values(), actor=officer), "planned", officer)
    for reason in ("", "she was arrested"):
        with pytest.raises(TransitionRefused):
            relatives.step(relative, "fail", actor=officer, reason=reason)
    with pytest.raises(TransitionRefused):
        relatives.step(relative, "fail", actor=officer, reason="other")  # needs a note
    relative = relatives.step(
        relative, "fail", actor=officer, reason="stopped", note="задержана на КПП Весёлое"
    )
    assert relative.status == Relative.Status.FAILED
    failure = relative.failure_record
    assert failure.compartment == "family" and b"stopped" not in bytes(failure.ciphertext)
    event = Event.objects.filter(action="relocation_step").latest("seq")
    assert event.detail["after"] == "failed" and "reason" not in event.detail
    # Trying again starts over and destroys the sealed reason.
    relative = relatives.step(relative, "retry", actor=officer)
    assert relative.status == Relative.Status.IDENTIFIED and relative.failure_record is None
    assert not Record.objects.filter(pk=failure.pk).exists()


def test_an_edit_seals_a_new_version_and_destroys_the_old(case, officer):
    relative = relatives.add(case, relative_values(), actor=officer)
    old = relative.record_id
    relative = relatives.edit(relative, relative_values(location="Ереван"), actor=officer)
    assert relative.version == 2 and relative.record_id != old
    assert not Record.objects.filter(pk=old).exists()
    assert Event.objects.filter(action="relative_changed", object_id=case.number).exists()
    with pytest.raises(relatives.RelativeInvalid) as invalid:
        relatives.edit(relative, relative_values(name=" ", relation="cousin"), actor=officer)
    assert set(invalid.value.errors) == {"name", "relation"}
    assert NAME not in str(invalid.value)


def test_only_planners_whose_keys_open_the_family_part_change_anything(programme, case, officer):
    relative = relatives.add(case, relative_values(), actor=officer)
    for role in ("operator", "supervisor", "field_liaison", "finance_officer", "outsider"):
        someone = unlocked(programme.users[role])
        with pytest.raises(TransitionRefused):
            relatives.add(case, relative_values(), actor=someone)
        with pytest.raises(TransitionRefused):
            relatives.step(relative, "contact", actor=someone)
        with pytest.raises(TransitionRefused):
            relatives.edit(relative, relative_values(), actor=someone)
    # A planner of another team's case (his keys do not hold it) is refused as well.
    other_team = make_case(None, status=Case.Status.PLANNING)
    with pytest.raises(TransitionRefused) as refused:
        relatives.add(other_team, relative_values(), actor=officer)
    assert str(refused.value.message) == str(NO_KEYS)
    assert Relative.objects.count() == 1


def test_a_planner_whose_session_holds_no_key_is_refused(programme, case):
    from vault import possession

    officer = programme.users["case_officer"]
    possession.bind(officer, lambda: None)
    with pytest.raises(TransitionRefused):
        relatives.add(case, relative_values(), actor=officer)


def test_a_closed_or_rejected_case_moves_nobody(programme, officer):
    for status in (Case.Status.CLOSED, Case.Status.REJECTED):
        closed = make_case(programme.teams["intake"], status=status)
        with pytest.raises(TransitionRefused):
            relatives.add(closed, relative_values(), actor=officer)


def test_the_case_timeline_names_the_family_steps_without_names(programme, staff, case, officer):
    relative = relatives.add(case, relative_values(), actor=officer)
    relatives.step(relative, "contact", actor=officer)
    html = staff.client(programme.users["case_officer"]).get(f"/cases/{case.number}/")
    text = html.content.decode()
    assert "Внесено родича" in text and "Змінено статус переїзду родича" in text
    assert NAME not in text and str(relative.pk) not in text


def test_each_step_is_a_function_of_its_own(case, officer):
    relative = relatives.add(case, relative_values(), actor=officer)
    for function, status in (
        (relatives.contact, "contacted"),
        (relatives.plan_relocation, "planned"),
        (relatives.depart, "in_transit"),
        (relatives.arrive, "safe"),
    ):
        relative = function(relative, actor=officer)
        assert relative.status == status
    relative = relatives.fail(relative, actor=officer, reason="unsafe")
    assert relative.status == "failed"
    assert relatives.retry(relative, actor=officer).status == "identified"
    with pytest.raises(TypeError):
        relatives.contact(relative, officer)  # the actor is keyword-only
