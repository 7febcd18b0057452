"""Planning follows the keys a session holds (vault/possession.py), never a membership row or a
role alone: every domain function that acts on a case refuses an actor whose keys do not open
the case, and a field liaison reaches only the tasks of the units whose key his session holds."""

import pytest

from accounts.models import Team
from audit.models import Event
from cases.models import Case
from cases.states import NO_KEYS, TransitionRefused
from planning import escort, instructions, plans
from planning.models import EscortTask, Instruction, Plan
from tests.planning.conftest import approve_plan, make_task, plan_values, unlocked
from tests.vault.conftest import make_case
from vault import possession
from vault import teams as team_keys


@pytest.fixture
def foreign_case(programme):
    """A case in planning of an intake team whose key the planners do not hold."""
    team = Team.objects.create(name="Intake 2", kind=Team.Kind.INTAKE)
    team_keys.create_first_key(team, holders=[])
    return make_case(team, status=Case.Status.PLANNING)


def test_a_planner_cannot_write_a_plan_for_a_case_his_keys_do_not_open(programme, foreign_case):
    officer = programme.users["case_officer"]
    with pytest.raises(TransitionRefused) as refused:
        plans.save_plan(foreign_case, plan_values(programme), actor=officer)
    assert refused.value.message == NO_KEYS
    assert not Plan.objects.filter(case=foreign_case).exists()
    assert not Event.objects.filter(action="plan_saved").exists()


def test_a_planner_cannot_draft_or_task_a_case_his_keys_do_not_open(programme, foreign_case):
    officer = programme.users["case_officer"]
    key = unlocked(officer)
    with pytest.raises(TransitionRefused) as refused:
        instructions.draft(foreign_case, actor=officer, actor_private=key)
    assert refused.value.message == NO_KEYS
    with pytest.raises(TransitionRefused) as refused:
        escort.create_task(foreign_case, actor=officer, actor_private=key)
    assert refused.value.message == NO_KEYS
    assert not Instruction.objects.filter(case=foreign_case).exists()
    assert not EscortTask.objects.filter(case=foreign_case).exists()


def test_a_planning_membership_without_its_key_does_not_make_a_planner(programme, applicant):
    """A membership row an admin wrote, with no seal of the planning team's key: no planner."""
    newcomer = programme.staff.make(
        "officer2", roles=["case_officer"], teams=[programme.teams["planning"]]
    )
    unlocked(newcomer)
    assert not plans.can_plan(newcomer)
    with pytest.raises(TransitionRefused):
        plans.save_plan(applicant.case, plan_values(programme), actor=newcomer)


def test_a_session_without_keys_cannot_release(programme, applicant):
    """The supervisor's role and memberships are intact, but his session opens nothing."""
    officer, supervisor = programme.users["case_officer"], programme.users["supervisor"]
    plans.save_plan(applicant.case, plan_values(programme), actor=officer)
    draft = instructions.draft(applicant.case, actor=officer, actor_private=unlocked(officer))
    key = unlocked(supervisor)
    possession.bind(supervisor, None)  # a session whose key is gone (stale, locked)
    with pytest.raises(TransitionRefused) as refused:
        instructions.release(draft, actor=supervisor, actor_private=key)
    assert refused.value.message == NO_KEYS
    draft.refresh_from_db()
    assert draft.status == Instruction.Status.PENDING and draft.message_id is None


def test_a_liaison_added_to_the_unit_without_its_key_sees_no_task(programme, applicant):
    approve_plan(programme, applicant.case)
    task = make_task(programme, applicant.case)
    assert escort.tasks_for(programme.users["field_liaison"]).filter(pk=task.pk).exists()
    newcomer = programme.staff.make(
        "liaison3", roles=["field_liaison"], teams=[programme.teams["field"]]
    )
    unlocked(newcomer)
    assert not escort.tasks_for(newcomer).exists()
    assert not escort.runs_task_of(newcomer, applicant.case)


def test_a_liaison_whose_session_holds_no_key_sees_no_task(programme, applicant):
    approve_plan(programme, applicant.case)
    make_task(programme, applicant.case)
    liaison = programme.users["field_liaison"]
    possession.bind(liaison, None)
    assert not escort.tasks_for(liaison).exists()
