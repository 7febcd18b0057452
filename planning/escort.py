"""Escort tasks: sealed to the responsible field unit only, handed to another unit by
re-sealing, every copy deleted when the task ends.

    create_task(case, actor=..., actor_private=...)   planner; from the current plan
    hand_off(task, unit, actor=..., actor_private=...)   re-seal to another unit (relay)
    end_task(task, status, actor=...)                 every copy deleted, escrow's included
    tasks_for(user) / task_for_user(user, id)         a field liaison's own unit's tasks
    open_task(user, private, task)                    decrypt with the unit's key (audited)
"""

from datetime import datetime

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import Team
from audit.log import record as audit
from cases.access import holds
from cases.models import Case
from cases.states import NO_KEYS, TransitionRefused
from planning import points
from planning.models import EscortTask, Plan
from vault import possession, records
from vault.crypto import DecryptionFailed
from vault.models import Record
from vault.policy import ESCORT
from vault.records import clear_time

S = EscortTask.Status
ACTIVE = (S.ASSIGNED, S.EN_ROUTE, S.CONTACT, S.ESCORTING)
# What the field unit gets of the plan: where, when, how to recognise him, how many. Nothing
# else of the case (no name, no unit, no case number, no procedure title).
TASK_FIELDS = (
    "lat",
    "lon",
    "point_description",
    "window_start",
    "window_end",
    "fallback_start",
    "fallback_end",
    "signal",
    "code_word",
    "route",
    "approach",
    "persons",
    "crew",
)


class EscortRefused(TransitionRefused):
    """The guard refused; ``message`` is safe to show."""


def _open(record: Record, user, private: bytes) -> dict:
    return records.decrypt(record, records.data_key(user, private, record))


def task_values(plan_values: dict) -> dict:
    values = {k: plan_values.get(k) for k in TASK_FIELDS if plan_values.get(k) not in (None, "")}
    if values.get("lat") is not None:
        values["point"] = points.both(values["lat"], values["lon"])
    return values


def _plain_windows(case: Case, values: dict) -> dict:
    """The main window's start and the last window's end (fallback included), in clear for the
    queues; a restricted case keeps none."""
    if case.restricted:
        return {"window_start": None, "window_end": None}
    ends = [
        datetime.fromisoformat(values[k]) for k in ("window_end", "fallback_end") if values.get(k)
    ]
    return {
        "window_start": datetime.fromisoformat(values["window_start"]),
        "window_end": max(ends) if ends else None,
    }


@transaction.atomic
def create_task(case: Case, *, actor, actor_private: bytes) -> EscortTask:
    """The escort task of the case's current plan for its field unit. An earlier active task
    of the case is ended first (every copy of its key deleted)."""
    from planning.plans import can_plan

    if not can_plan(actor):
        raise EscortRefused(_("Escort tasks are made by the planning team."))
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not holds(actor, case):
        raise EscortRefused(NO_KEYS)
    if case.status not in (Case.Status.PLANNING, Case.Status.SCHEDULED):
        raise EscortRefused(_("Escort tasks are made while the case is in planning."))
    plan = Plan.objects.filter(case=case).select_related("record", "field_unit").first()
    if plan is None or plan.record is None or plan.field_unit is None:
        raise EscortRefused(_("Write the plan first."))
    try:
        values = task_values(_open(plan.record, actor, actor_private))
    except (records.NoAccess, DecryptionFailed):
        raise EscortRefused(_("Your keys do not open this plan.")) from None
    if values.get("lat") is None or not values.get("window_start"):
        raise EscortRefused(_("An escort task needs a point and a window."))
    for old in EscortTask.objects.filter(case=case, status__in=ACTIVE):
        end_task(old, S.CANCELLED, actor=actor)
    record = records.seal(
        case, ESCORT, values, kind="task", actor=actor, field_unit=plan.field_unit
    )
    task = EscortTask.objects.create(
        case=case,
        field_unit=plan.field_unit,
        record=record,
        plan_version=plan.version,
        created_at=clear_time(case),
        **_plain_windows(case, values),
    )
    audit(
        "escort_task_created",
        actor=actor,
        object_type="case",
        object_id=case.number,
        task=str(task.id),
        field_unit=plan.field_unit_id,
    )
    return task


@transaction.atomic
def hand_off(task: EscortTask, unit: Team, *, actor, actor_private: bytes) -> EscortTask:
    """Hand an active task to another field unit (drone battery, relay): sealed anew to that
    unit only, and every copy of the old record's key (the old unit's, escrow's) deleted. The
    actor is a liaison of the current unit (his keys open the task) or a planner (the task is
    rebuilt from the plan)."""
    from planning.plans import can_plan

    task = (
        EscortTask.objects.select_for_update(of=("self",))
        .select_related("case", "record")
        .get(pk=task.pk)
    )
    if task.status not in ACTIVE or task.record is None or not task.record.ciphertext:
        raise EscortRefused(_("This task has ended."))
    if unit.kind != Team.Kind.FIELD_UNIT or unit.pk == task.field_unit_id:
        raise EscortRefused(_("Choose another field unit."))
    values = None
    if _is_liaison_of(actor, task.field_unit_id):
        try:
            values = _open(task.record, actor, actor_private)
        except (records.NoAccess, DecryptionFailed):
            values = None
    if values is None and can_plan(actor) and holds(actor, task.case):
        plan = Plan.objects.filter(case=task.case).select_related("record").first()
        try:
            values = task_values(_open(plan.record, actor, actor_private))
        except (records.NoAccess, DecryptionFailed, AttributeError):
            values = None
    if values is None:
        raise EscortRefused(_("Only the task's unit or the planning team can hand it over."))
    old_unit = task.field_unit_id
    old_record = task.record
    task.record = records.seal(task.case, ESCORT, values, kind="task", actor=actor, field_unit=unit)
    task.field_unit = unit
    task.save(update_fields=["record", "field_unit"])
    records.end_escort_task(old_record)
    Plan.objects.filter(case=task.case).update(field_unit=unit)
    audit(
        "escort_task_handed_off",
        actor=actor,
        object_type="case",
        object_id=task.case.number,
        task=str(task.id),
        from_unit=old_unit,
        to_unit=unit.pk,
    )
    return task


@transaction.atomic
def end_task(task: EscortTask, status: str, *, actor) -> None:
    """The task is over (handed over, aborted, cancelled): every copy of its data key goes,
    escrow's included, and its ciphertext is blanked."""
    EscortTask.objects.filter(pk=task.pk).update(status=status, ended_at=clear_time(task.case))
    task.status = status
    if task.record_id is not None:
        record = Record.objects.filter(pk=task.record_id).first()
        if record is not None:
            records.end_escort_task(record)
    audit(
        "escort_task_ended",
        actor=actor,
        object_type="case",
        object_id=task.case.number,
        task=str(task.id),
        status=status,
    )


def _is_liaison_of(user, unit_id) -> bool:
    """A liaison whose session holds the unit's active key (vault/possession.py): a membership
    row alone is not enough."""
    return user.has_perm("accounts.run_escort_tasks") and possession.holds_team(user, unit_id)


def tasks_for(user):
    """The active tasks of the field units whose key the user's session holds (a field
    liaison), soonest first. A membership row or a role alone opens nothing. A task whose keys
    were deleted (duress) is not listed: there is nothing left to run."""
    if not user.has_perm("accounts.run_escort_tasks"):
        return EscortTask.objects.none()
    units = possession.teams_of(user)
    return (
        EscortTask.objects.filter(
            field_unit_id__in=units, field_unit__kind=Team.Kind.FIELD_UNIT, status__in=ACTIVE
        )
        .exclude(record=None)
        .exclude(record__ciphertext=b"")
        .exclude(case__status=Case.Status.COMPROMISED)
        .select_related("record", "case")
    )


def runs_task_of(user, case: Case) -> bool:
    """Whether ``user`` runs an active escort task of ``case`` with his unit's key: the
    possession rule for the field unit's reports (cases.states.move)."""
    return tasks_for(user).filter(case_id=case.pk).exists()


def task_for_user(user, task_id) -> EscortTask:
    """The one way from a task id to a task for a field liaison; anything else is not found."""
    task = tasks_for(user).filter(pk=task_id).first()
    if task is None:
        raise Http404("no such task for this user")
    return task


def open_task(user, private: bytes, task: EscortTask) -> dict:
    """Decrypt the task with the user's unit key; audited (by task id only)."""
    values = _open(task.record, user, private)
    for key in ("window_start", "window_end", "fallback_start", "fallback_end"):
        if values.get(key):
            values[key] = datetime.fromisoformat(values[key])
    # About the case (by task id in the detail), so that a restricted case's event is sealed.
    audit(
        "escort_task_opened",
        actor=user,
        object_type="case",
        object_id=task.case,
        task=str(task.id),
    )
    return values


def ready(case: Case) -> bool:
    """An active escort task of the current plan, for the plan's unit, with its keys."""
    plan = Plan.objects.filter(case=case).only("version", "field_unit_id").first()
    if plan is None:
        return False
    return (
        EscortTask.objects.filter(
            case=case,
            plan_version=plan.version,
            field_unit_id=plan.field_unit_id,
            status__in=ACTIVE,
        )
        .exclude(record=None)
        .exclude(record__ciphertext=b"")
        .exists()
    )
