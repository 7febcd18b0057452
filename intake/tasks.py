"""Background tasks of intake, run by `corridor worker` (the delivery outbox). Arguments are
identifiers only; nothing personal is ever stored in a task row."""

from django_tasks import task

from cases.models import Case


@task()
def duress_effects(case_id: str) -> None:
    from intake import service

    case = Case.objects.filter(pk=case_id).first()
    if case is not None:
        service.duress_effects_now(case)
