"""The family-first guard: a plan with "family first" cannot be scheduled until every listed
relative is safe (cases.states.family_is_safe, family.relatives.blocker)."""

import pytest
from django.utils import translation

from audit.models import Event
from cases import states, workflow
from cases.models import Case
from family import relatives
from planning import plans
from planning.models import Plan
from tests.family.conftest import relative_values, walk_to
from tests.planning.conftest import approve_plan, make_task, plan_values
from vault import records
from vault.policy import CORRESPONDENCE


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _approved(programme, case):
    """An approved operational plan (family first off), then family first on again as the
    default is, and an escort task: only the family can still hold scheduling back."""
    records.seal(case, CORRESPONDENCE, {"phrase": "Синяя птица"}, kind="phrase")
    approve_plan(programme, case)
    Plan.objects.filter(case=case).update(family_first=True)
    make_task(programme, case)


def _plan(programme, case, officer, **changes):
    return plans.save_plan(case, plan_values(programme, **changes), actor=officer)


def test_family_first_with_no_relative_listed_is_refused(programme, case, officer):
    _plan(programme, case, officer, family_first=True)
    reason = states.family_is_safe(case)
    assert reason and "no relative is listed" in reason


def test_no_plan_means_family_first(programme, case, officer):
    assert states.family_is_safe(case)
    relatives.add(case, relative_values(), actor=officer)
    assert "not safe yet" in states.family_is_safe(case)


def test_it_refuses_scheduling_before_family_is_safe(programme, case, officer):
    _plan(programme, case, officer, family_first=True)
    wife = relatives.add(case, relative_values(), actor=officer)
    son = relatives.add(case, relative_values(relation="child", name="Миша"), actor=officer)
    walk_to(wife, "safe", officer)
    walk_to(son, "in_transit", officer)
    assert states.family_is_safe(case) == "Family first: 1 relative is not safe yet."
    son.refresh_from_db()
    relatives.step(son, "arrive", actor=officer)
    assert states.family_is_safe(case) is None


def test_a_failed_relocation_blocks_until_tried_again_or_family_first_is_off(
    programme, case, officer
):
    _plan(programme, case, officer, family_first=True)
    wife = walk_to(relatives.add(case, relative_values(), actor=officer), "safe", officer)
    son = relatives.add(case, relative_values(relation="child", name="Миша"), actor=officer)
    son = relatives.step(son, "fail", actor=officer, reason="border")
    assert "failed" in states.family_is_safe(case)
    # Safe relatives do not outweigh a failed one; trying again makes him "not safe yet".
    assert wife.status == "safe"
    son = relatives.step(son, "retry", actor=officer)
    assert "not safe yet" in states.family_is_safe(case)
    relatives.step(son, "fail", actor=officer, reason="declined")
    # The planner decides the exit goes ahead without him: switching off is audited.
    _plan(programme, case, officer, family_first=False)
    assert states.family_is_safe(case) is None
    assert Event.objects.filter(action="plan_family_first_off", object_id=case.number).exists()


def test_a_safe_relative_who_is_no_longer_safe_blocks_again(programme, case, officer):
    _plan(programme, case, officer, family_first=True)
    wife = walk_to(relatives.add(case, relative_values(), actor=officer), "safe", officer)
    assert states.family_is_safe(case) is None
    relatives.step(wife, "fail", actor=officer, reason="unsafe")
    assert states.family_is_safe(case)


def test_scheduling_waits_for_the_family_then_goes_through(programme, case, officer):
    """The whole move: an approved plan with family first and an escort task is refused while
    a relative is in transit, and scheduled once he is safe."""
    _approved(programme, case)
    wife = relatives.add(case, relative_values(), actor=officer)
    wife = walk_to(wife, "in_transit", officer)
    with pytest.raises(states.TransitionRefused) as refused:
        workflow.schedule(case, actor=officer)
    assert "not safe yet" in str(refused.value.message)
    case.refresh_from_db()
    assert case.status == Case.Status.PLANNING
    relatives.step(wife, "arrive", actor=officer)
    workflow.schedule(case, actor=officer)
    case.refresh_from_db()
    assert case.status == Case.Status.SCHEDULED


def test_a_family_first_procedure_cannot_switch_family_first_off(programme, case, officer):
    values = plan_values(programme, procedure="family_first", family_first=False)
    errors = plans.validate(case, values)
    assert "family_first" in errors
    with pytest.raises(plans.PlanInvalid):
        plans.save_plan(case, values, actor=officer)
    assert plans.validate(case, {**values, "family_first": True}) == {}
    plans.save_plan(case, {**values, "family_first": True}, actor=officer)
    assert Plan.objects.get(case=case).family_first


def test_the_case_page_shows_why_scheduling_is_refused_where_the_button_is(
    programme, case, officer, staff
):
    _plan(programme, case, officer, family_first=True)
    client = staff.client(programme.users["case_officer"])
    client.cookies["corridor_language"] = "en"
    html = client.get(f"/cases/{case.number}/").content.decode()
    # The step is shown, disabled, with every refusal: no approved instruction yet, and the
    # family (none listed) that a first refusal alone used to hide.
    assert 'disabled aria-describedby="refused-schedule">Schedule the exit</button>' in html
    assert "There is no approved instruction with a point and a window yet." in html
    assert "no relative is listed" in html
    assert f'action="/cases/{case.number}/move/schedule/"' not in html
    # In Ukrainian (the staff default) too.
    client.cookies["corridor_language"] = "uk"
    html = client.get(f"/cases/{case.number}/").content.decode()
    assert 'aria-describedby="refused-schedule"' in html and "Family" not in html


def test_the_case_page_names_the_family_reason_once_the_plan_is_ready(
    programme, case, officer, staff
):
    _approved(programme, case)
    client = staff.client(programme.users["case_officer"])
    client.cookies["corridor_language"] = "en"
    html = client.get(f"/cases/{case.number}/").content.decode()
    assert "Family first: no relative is listed." in html
    assert f"/family/cases/{case.number}/" in html


def test_a_procedure_says_family_first_only_as_true_or_false():
    from pathlib import Path

    from django.conf import settings

    from planning import procedures

    text = (Path(settings.CORRIDOR_PROGRAMME_DIR) / "procedures" / "family_first.yaml").read_text()
    assert procedures.parse(text).family_first
    assert not procedures.get("drone_escort").family_first
    with pytest.raises(procedures.ProcedureError) as error:
        procedures.parse(text.replace("family_first: true", 'family_first: "yes"'))
    assert "family_first must be true or false" in str(error.value)
