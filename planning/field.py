"""The field unit's reports on its escort task. Each status button moves the task, and where
it matters the case, through cases/workflow.py:

    en route     scheduled -> in progress
    contact, escorting       task status only (the time of the report is kept)
    handed over  in progress -> received; every copy of the task's key deleted
    aborted      back to planning, with the reason sealed for the planning team and an alert
                 to the case's team and the plan author's planning teams; copies deleted

The liaison reaches only his own unit's tasks (planning.escort.task_for_user) and nothing of
identity: the reason he types is sealed in the PLAN compartment, which his keys cannot open.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Team
from audit.log import record as audit
from cases import workflow
from cases.models import Alert, Case
from planning.escort import ACTIVE, EscortRefused, end_task
from planning.models import EscortTask, Plan
from vault import records
from vault.policy import PLAN
from vault.records import clear_time

S = EscortTask.Status
# From which task states each report may come (a report may skip a step: radio silence).
NEXT = {
    S.EN_ROUTE: (S.ASSIGNED,),
    S.CONTACT: (S.ASSIGNED, S.EN_ROUTE),
    S.ESCORTING: (S.ASSIGNED, S.EN_ROUTE, S.CONTACT),
    S.HANDED_OVER: (S.CONTACT, S.ESCORTING),
    S.ABORTED: ACTIVE,
}
REPORTS = tuple(NEXT)


@transaction.atomic
def report(task: EscortTask, status: str, *, actor, reason: str = "") -> EscortTask:
    """Record the unit's report ``status`` on ``task`` (already fetched through
    ``task_for_user``). Raises EscortRefused with a message to show."""
    task = EscortTask.objects.select_for_update().select_related("case").get(pk=task.pk)
    case = task.case
    if status not in NEXT:
        raise EscortRefused(_("No such report."))
    if task.status not in NEXT[status]:
        raise EscortRefused(_("This report does not follow the task's last one."))
    if status == S.ABORTED and not reason.strip():
        raise EscortRefused(_("Say why the task was aborted."))
    # Every report but an abort needs an exit under way: contact or escorting reported on a
    # case still in planning would let "handed over" fail half-way (a newcomer found a 500).
    if status != S.ABORTED and case.status not in (
        Case.Status.SCHEDULED,
        Case.Status.IN_PROGRESS,
    ):
        raise EscortRefused(_("This exit is not scheduled."))
    if status == S.EN_ROUTE and case.status != Case.Status.SCHEDULED:
        raise EscortRefused(_("This exit is not scheduled."))
    # The case moves first, while the task is still active: a field report on the case needs
    # the liaison to run an active task of it with his unit's key (cases.states.move).
    if status in (S.EN_ROUTE, S.CONTACT, S.ESCORTING, S.HANDED_OVER):
        if case.status == Case.Status.SCHEDULED:
            workflow.field_start(case, actor=actor)  # en route may go unreported: under way
    if status == S.HANDED_OVER:
        workflow.field_receive(case, actor=actor)
    if status == S.ABORTED and case.status in (Case.Status.SCHEDULED, Case.Status.IN_PROGRESS):
        workflow.field_abort(case, actor=actor)
    task.status, task.last_report_at = status, clear_time(case)
    task.save(update_fields=["status", "last_report_at"])
    audit(
        "escort_reported",
        actor=actor,
        object_type="case",
        object_id=case,  # sealed like every event of a restricted case
        task=str(task.id),
        status=status,
    )
    if status == S.HANDED_OVER:
        end_task(task, S.HANDED_OVER, actor=actor)
    elif status == S.ABORTED:
        records.seal(
            case,
            PLAN,
            {"abort_reason": reason.strip()[:1000], "task": str(task.id)},
            kind="abort_reason",
            actor=actor,
        )
        end_task(task, S.ABORTED, actor=actor)
        _alert_planners(case)
    return task


def _alert_planners(case: Case) -> None:
    """The officer hears of an abort on his dashboard: the case's team and the planning teams
    of whoever wrote the plan."""
    plan = Plan.objects.filter(case=case).only("updated_by_id").first()
    teams = set()
    if case.team_id:
        teams.add(case.team_id)
    if plan is not None and plan.updated_by_id:
        teams |= set(
            Team.objects.filter(
                kind=Team.Kind.PLANNING, memberships__user_id=plan.updated_by_id
            ).values_list("pk", flat=True)
        )
    Alert.objects.bulk_create(
        [
            Alert(
                case=case,
                team_id=team,
                kind=Alert.Kind.ESCORT_ABORTED,
                created_at=clear_time(case),
            )
            for team in teams
        ]
    )
    audit("alerts_raised", object_type="case", object_id=case.number, teams=len(teams))
