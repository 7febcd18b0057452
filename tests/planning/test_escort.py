"""Escort tasks: sealed to the responsible field unit only (never identity), handed to
another unit by re-sealing, every copy deleted when the task ends; the field unit's reports
move the case."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from audit.models import Event
from cases import queues, workflow
from cases.models import Alert, Case
from cases.states import TransitionRefused
from planning import escort, field, plans
from planning.models import EscortTask
from tests.planning.conftest import approve_plan, make_task, plan_values, unlocked
from vault import records
from vault.models import Record, RecordKey
from vault.policy import ESCORT


def _as(programme, role):
    user = programme.users[role]
    return user, unlocked(user)


@pytest.fixture
def approved(programme, applicant):
    """Planned, instruction approved by a second person; no escort task yet."""
    approve_plan(programme, applicant.case)
    return applicant


@pytest.fixture
def task(programme, approved):
    return make_task(programme, approved.case)


@pytest.fixture
def scheduled(programme, approved, task):
    workflow.schedule(approved.case, actor=programme.users["case_officer"])
    return task


def test_the_task_is_sealed_to_the_field_unit_and_escrow_only(programme, approved, task):
    keys = RecordKey.objects.filter(record=task.record)
    assert {k.kind for k in keys} == {RecordKey.Kind.ESCROW, RecordKey.Kind.TEAM}
    teams = {k.team_key.team for k in keys if k.team_key_id}
    assert teams == {programme.teams["field"]}
    assert task.record.compartment == ESCORT


def test_the_task_holds_point_window_signal_and_head_count_but_nothing_of_identity(
    programme, approved, task
):
    liaison, key = _as(programme, "field_liaison")
    values = records.decrypt(task.record, records.data_key(liaison, key, task.record))
    assert values["point"] == "37U DP 26193 82919 (48.59500, 37.99900)"
    assert values["signal"] and values["persons"] == 1 and values["window_start"]
    text = str(values)
    for identity in ("Сидоренко", approved.case.number, approved.phrase, "drone_escort"):
        assert identity not in text


@pytest.mark.parametrize(
    "role", ["case_officer", "supervisor", "operator", "finance_officer", "auditor", "admin"]
)
def test_no_one_outside_the_unit_opens_the_task(programme, task, role):
    user, key = _as(programme, role)
    with pytest.raises(records.NoAccess):
        records.data_key(user, key, task.record)


def test_the_field_liaisons_keys_open_nothing_of_the_case(programme, approved, task):
    liaison, key = _as(programme, "field_liaison")
    for record in Record.objects.filter(case=approved.case).exclude(pk=task.record_id):
        with pytest.raises(records.NoAccess):
            records.data_key(liaison, key, record)


def test_a_hand_off_reseals_to_the_new_unit_and_deletes_the_old_copies(
    programme, task, second_unit
):
    liaison, key = _as(programme, "field_liaison")
    old_record = task.record_id
    moved = escort.hand_off(
        escort.task_for_user(liaison, task.pk), second_unit, actor=liaison, actor_private=key
    )
    assert not RecordKey.objects.filter(record_id=old_record).exists()  # escrow's too
    assert bytes(Record.objects.get(pk=old_record).ciphertext) == b""
    teams = {k.team_key.team for k in moved.record.keys.exclude(team_key=None)}
    assert teams == {second_unit}
    assert not escort.tasks_for(liaison).exists()
    from accounts.models import User

    relay = User.objects.get(username="liaison2")
    relay_key = unlocked(relay)  # binds what his session's keys open
    assert escort.task_for_user(relay, task.pk)
    values = escort.open_task(relay, relay_key, moved)
    assert values["persons"] == 1
    event = Event.objects.get(action="escort_task_handed_off")
    assert event.detail["from_unit"] == programme.teams["field"].pk
    assert event.detail["to_unit"] == second_unit.pk


def test_a_planner_can_hand_off_from_the_plan(programme, task, second_unit):
    officer, key = _as(programme, "case_officer")
    moved = escort.hand_off(task, second_unit, actor=officer, actor_private=key)
    assert moved.field_unit == second_unit
    assert moved.case.plan.field_unit == second_unit


def test_another_unit_cannot_take_a_task(programme, task, second_unit):
    from accounts.models import User

    relay = User.objects.get(username="liaison2")
    with pytest.raises(TransitionRefused):
        escort.hand_off(task, second_unit, actor=relay, actor_private=unlocked(relay))


def test_ending_a_task_deletes_every_copy(programme, task):
    escort.end_task(task, EscortTask.Status.CANCELLED, actor=programme.users["case_officer"])
    assert not RecordKey.objects.filter(record_id=task.record_id).exists()
    assert bytes(Record.objects.get(pk=task.record_id).ciphertext) == b""


def test_scheduling_passes_with_an_approved_instruction_and_a_task(programme, approved, task):
    case = workflow.schedule(approved.case, actor=programme.users["case_officer"])
    assert case.status == Case.Status.SCHEDULED


def test_scheduling_refuses_a_task_of_an_old_plan_version(programme, approved, task):
    officer, key = _as(programme, "case_officer")
    plans.save_plan(approved.case, plan_values(programme, persons=3), actor=officer)
    with pytest.raises(TransitionRefused):
        workflow.schedule(approved.case, actor=officer)


# --- the field unit's reports ------------------------------------------------------------


def _report(programme, task, status, reason=""):
    liaison = programme.users["field_liaison"]
    return field.report(
        escort.task_for_user(liaison, task.pk), status, actor=liaison, reason=reason
    )


def test_en_route_to_handed_over_receives_him(programme, scheduled):
    case = scheduled.case
    _report(programme, scheduled, "en_route")
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS
    _report(programme, scheduled, "contact")
    _report(programme, scheduled, "escorting")
    _report(programme, scheduled, "handed_over")
    case.refresh_from_db()
    assert case.status == Case.Status.RECEIVED
    assert not RecordKey.objects.filter(record_id=scheduled.record_id).exists()
    transitions = Event.objects.filter(action="case_transition", object_id=case.number)
    assert [e.detail["transition"] for e in transitions.order_by("seq")][-2:] == [
        "field_start",
        "field_receive",
    ]


def test_an_abort_returns_the_case_to_planning_with_an_alert(programme, scheduled):
    case = scheduled.case
    _report(programme, scheduled, "en_route")
    with pytest.raises(TransitionRefused):
        _report(programme, scheduled, "aborted", reason="  ")
    _report(programme, scheduled, "aborted", reason="обстрел у точки")
    case.refresh_from_db()
    assert case.status == Case.Status.PLANNING
    alert = Alert.objects.get(case=case, team=programme.teams["planning"])
    assert alert.kind == Alert.Kind.ESCORT_ABORTED
    page = programme.staff.client(programme.users["case_officer"])
    page.cookies["corridor_language"] = "en"
    html = page.get("/").content.decode()
    assert f"Case {case.number}: the field unit aborted the escort." in html
    assert "under duress" not in html
    assert not RecordKey.objects.filter(record_id=scheduled.record_id).exists()
    reason = Record.objects.get(case=case, kind="abort_reason")
    liaison, key = _as(programme, "field_liaison")
    with pytest.raises(records.NoAccess):  # he wrote it, but cannot read it back
        records.data_key(liaison, key, reason)
    officer, okey = _as(programme, "case_officer")
    values = records.decrypt(reason, records.data_key(officer, okey, reason))
    assert values["abort_reason"] == "обстрел у точки"


def test_reports_follow_their_order(programme, scheduled):
    with pytest.raises(TransitionRefused):
        _report(programme, scheduled, "handed_over")
    with pytest.raises(TransitionRefused):
        _report(programme, scheduled, "nonsense")


def test_en_route_needs_a_scheduled_exit(programme, task):
    with translation.override("en"), pytest.raises(TransitionRefused) as refused:
        _report(programme, task, "en_route")
    with translation.override("en"):
        assert "not scheduled" in str(refused.value.message)


# --- queues ------------------------------------------------------------------------------


def test_scheduled_today_and_window_passed_are_real(programme, scheduled):
    supervisor = programme.users["supervisor"]
    case = scheduled.case
    day_of_window = scheduled.window_start + timedelta(minutes=1)
    assert case in queues.queue(supervisor, "today", now=day_of_window)
    assert case not in queues.queue(supervisor, "today", now=day_of_window + timedelta(days=2))
    after = scheduled.window_end + timedelta(minutes=1)
    assert case not in queues.queue(supervisor, "overdue", now=scheduled.window_start)
    assert case in queues.queue(supervisor, "overdue", now=after)
    _report(programme, scheduled, "en_route")
    _report(programme, scheduled, "contact")
    _report(programme, scheduled, "handed_over")
    assert case not in queues.queue(supervisor, "overdue", now=after)


def test_a_cancelled_task_is_not_overdue(programme, scheduled):
    escort.end_task(scheduled, EscortTask.Status.CANCELLED, actor=programme.users["supervisor"])
    after = timezone.now() + timedelta(days=3)
    assert scheduled.case not in queues.queue(programme.users["supervisor"], "overdue", now=after)


def test_a_restricted_case_keeps_only_the_year_of_its_planning(programme, applicant):
    from planning.models import Instruction
    from vault.records import year_start

    case = applicant.case
    supervisor = programme.users["supervisor"]
    named = [programme.users["case_officer"], supervisor]
    records.restrict(case, named, actor=supervisor, actor_private=unlocked(supervisor))
    case.refresh_from_db()
    approve_plan(programme, case)
    task = make_task(programme, case)
    year = year_start(case.created_at)
    assert case.plan.updated_at == year and case.plan.window_start is None
    instruction = Instruction.objects.get(case=case)
    assert instruction.created_at == year and instruction.approved_at == year
    assert task.created_at == year and task.window_start is None and task.window_end is None


def test_restricting_a_planned_case_cuts_its_planning_times_and_keeps_the_signature(
    programme, applicant
):
    """Rows written before the restriction are cut to their year inside restrict (whoever
    calls it); the plain windows go; the instruction still verifies with its expiry cut to
    the purge-after bound, and a different bound still fails."""
    from planning import instructions
    from planning.models import Instruction
    from vault.records import year_start

    case = applicant.case
    approve_plan(programme, case)
    task = make_task(programme, case)
    supervisor, officer = programme.users["supervisor"], programme.users["case_officer"]
    records.restrict(
        case, [officer, supervisor], actor=supervisor, actor_private=unlocked(supervisor)
    )
    case.refresh_from_db()
    task.refresh_from_db()
    plan = case.plan
    assert plan.window_start is None and plan.fallback_end is None
    assert plan.updated_at == year_start(plan.updated_at)
    assert task.window_start is None and task.window_end is None
    assert task.created_at == year_start(task.created_at)
    instruction = Instruction.objects.get(case=case)
    assert instruction.expires_at == year_start(instruction.expires_at)
    values = records.decrypt(
        instruction.record, records.data_key(officer, unlocked(officer), instruction.record)
    )
    assert instructions.verify(instruction, values)
    instruction.expires_at = instruction.expires_at.replace(year=instruction.expires_at.year + 1)
    assert not instructions.verify(instruction, values)
