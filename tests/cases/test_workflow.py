"""The case state machine: every transition allowed from each source, and every guard refusing."""

import pytest
from django.core.management import call_command

from audit.models import Event
from cases import states
from cases.models import Case
from tests.vault.conftest import make_case

MOVES = [(t.name, source) for t in states.TRANSITIONS for source in t.sources]


@pytest.mark.parametrize(("name", "source"), MOVES)
def test_every_transition_from_each_source(programme, name, source):
    transition = states.BY_NAME[name]
    case = make_case(programme.teams["planning"], status=source)
    officer = programme.users["case_officer"]  # holds screen_cases and plan_exits
    if transition.capability == "run_escort_tasks":  # the field unit's reports
        officer = programme.users["field_liaison"]
        _escort_task(case, programme.teams["field"])
    if transition.preconditions:
        with pytest.raises(states.TransitionRefused):
            states.move(case, name, actor=officer)
        case.refresh_from_db()
        assert case.status == source
        return
    moved = states.move(case, name, actor=officer)
    assert moved.status == transition.target
    event = Event.objects.filter(action="case_transition").latest("seq")
    assert event.detail == {"transition": name, "before": source, "after": transition.target}
    assert event.actor == officer and event.object_id == case.number


def _escort_task(case, unit):
    """An active escort task of ``case`` sealed to ``unit`` (planning/escort.py)."""
    from planning.models import EscortTask
    from vault import records
    from vault.policy import ESCORT

    record = records.seal(case, ESCORT, {"persons": 1}, kind="task", field_unit=unit)
    return EscortTask.objects.create(case=case, field_unit=unit, record=record, plan_version=1)


@pytest.mark.parametrize("name", ["field_start", "field_abort"])
def test_a_liaison_cannot_report_on_a_case_his_unit_runs_no_task_of(programme, name):
    """His role allows field reports, but his unit's key opens no active task of this case
    (another unit's task, or none): refused, the case stays where it is."""
    from accounts.models import Team
    from vault import teams as team_keys

    case = make_case(programme.teams["planning"], status=Case.Status.SCHEDULED)
    liaison = programme.users["field_liaison"]
    with pytest.raises(states.TransitionRefused) as refused:
        states.move(case, name, actor=liaison)
    assert refused.value.message == states.NO_KEYS
    other = Team.objects.create(name="Field unit 9", kind=Team.Kind.FIELD_UNIT)
    team_keys.create_first_key(other, holders=[])
    _escort_task(case, other)
    with pytest.raises(states.TransitionRefused):
        states.move(case, name, actor=liaison)
    case.refresh_from_db()
    assert case.status == Case.Status.SCHEDULED
    assert not Event.objects.filter(action="case_transition").exists()


@pytest.mark.parametrize("name", [t.name for t in states.TRANSITIONS])
def test_every_transition_is_refused_from_a_state_it_does_not_start_from(programme, name):
    transition = states.BY_NAME[name]
    wrong = next(s for s in Case.Status.values if s not in transition.sources)
    case = make_case(programme.teams["planning"], status=wrong)
    with pytest.raises(states.TransitionRefused):
        states.move(case, name, actor=programme.users["case_officer"])
    case.refresh_from_db()
    assert case.status == wrong


@pytest.mark.parametrize(
    "role", ["operator", "field_liaison", "finance_officer", "auditor", "admin"]
)
def test_roles_without_the_capability_are_refused(programme, role):
    case = make_case(programme.teams["intake"], status=Case.Status.NEW)
    with pytest.raises(states.TransitionRefused):
        states.move(case, "screen", actor=programme.users[role])
    assert not Event.objects.filter(action="case_transition").exists()


def test_scheduling_needs_a_plan_and_a_safe_family(programme):
    from django.utils import translation

    case = make_case(programme.teams["planning"], status=Case.Status.PLANNING)
    with translation.override("en"), pytest.raises(states.TransitionRefused) as refusal:
        states.move(case, "schedule", actor=programme.users["case_officer"])
    assert "approved instruction" in str(refusal.value.message)  # planning/readiness.py
    assert states.family_is_safe(case)  # refuses by default (tests/planning)


def test_the_diagram_in_docs_is_current():
    call_command("workflow", "diagram", "--check")


def test_the_case_page_offers_only_allowed_steps(programme):
    case = make_case(programme.teams["intake"], status=Case.Status.NEW)
    officer = programme.staff.client(programme.users["case_officer"])
    officer.cookies["corridor_language"] = "en"
    html = officer.get(f"/cases/{case.number}/").content.decode()
    assert "Start screening" in html and "Mark verified" not in html
    officer.post(f"/cases/{case.number}/move/screen/")
    officer.post(f"/cases/{case.number}/move/verify/")
    case.refresh_from_db()
    assert case.status == Case.Status.VERIFIED
    operator = programme.staff.client(programme.users["operator"])
    operator.post(f"/cases/{case.number}/move/plan/")
    case.refresh_from_db()
    assert case.status == Case.Status.VERIFIED
    outsider = programme.staff.client(programme.users["finance_officer"])
    assert outsider.post(f"/cases/{case.number}/move/plan/").status_code == 404


def test_every_transition_is_a_function_of_the_workflow(programme):
    """DESIGN: every transition is a function of cases/workflow.py with its guard."""
    import inspect

    from cases import workflow
    from cases.states import TRANSITIONS, TransitionRefused

    for transition in TRANSITIONS:
        function = getattr(workflow, transition.name)
        assert (
            inspect.signature(function).parameters["actor"].kind == inspect.Parameter.KEYWORD_ONLY
        )
    case = make_case(programme.teams["intake"])
    workflow.screen(case, actor=programme.users["supervisor"])
    case.refresh_from_db()
    assert case.status == "screening"
    with pytest.raises(TransitionRefused):  # the guard: an operator may not screen
        workflow.verify(case, actor=programme.users["operator"])
    with pytest.raises(TransitionRefused):  # and no plan exists to schedule
        workflow.schedule(case, actor=programme.users["case_officer"])
