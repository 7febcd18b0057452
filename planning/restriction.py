"""What restricting a case does to its planning rows (called by cases.restriction.coarsen,
inside vault.records.restrict): every date column is cut to its year and the plain windows are
emptied, as if the rows had been written about a restricted case (planning keeps a restricted
case's windows sealed only). The true times are returned for ``restrict`` to seal."""

from planning.models import EscortTask, Instruction, Plan
from vault.records import year_start

WINDOW_COLUMNS = ("window_start", "window_end", "fallback_start", "fallback_end")


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def coarsen(case) -> dict:
    true: dict = {"plan": {}, "instructions": {}, "tasks": {}}
    for plan in Plan.objects.filter(case=case):
        true["plan"] = {name: _iso(getattr(plan, name)) for name in ("updated_at", *WINDOW_COLUMNS)}
        plan.updated_at = year_start(plan.updated_at)
        for name in WINDOW_COLUMNS:
            setattr(plan, name, None)
        plan.save(update_fields=["updated_at", *WINDOW_COLUMNS])
    for instruction in Instruction.objects.filter(case=case):
        true["instructions"][str(instruction.pk)] = {
            "created_at": _iso(instruction.created_at),
            "approved_at": _iso(instruction.approved_at),
            "expires_at": _iso(instruction.expires_at),
        }
        instruction.created_at = year_start(instruction.created_at)
        instruction.approved_at = instruction.approved_at and year_start(instruction.approved_at)
        # The purge-after bound (the case is not yet marked restricted while this runs);
        # planning.instructions.verify accepts it for a restricted case.
        end = instruction.expires_at
        instruction.expires_at = end and year_start(end).replace(year=end.year + 1)
        instruction.save(update_fields=["created_at", "approved_at", "expires_at"])
    for task in EscortTask.objects.filter(case=case):
        names = ("created_at", "last_report_at", "ended_at", "window_start", "window_end")
        true["tasks"][str(task.pk)] = {name: _iso(getattr(task, name)) for name in names}
        task.created_at = year_start(task.created_at)
        task.last_report_at = task.last_report_at and year_start(task.last_report_at)
        task.ended_at = task.ended_at and year_start(task.ended_at)
        task.window_start = task.window_end = None
        task.save(update_fields=list(names))
    return true
