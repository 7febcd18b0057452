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


@task()
def applicant_write(case_id: str, sealed: str) -> None:
    """A message or update the applicant wrote on the portal. Every portal session queues one
    the same way (unknown and duress sessions too, with no case), so the request itself tells
    nothing; the worker drops what has no writable case."""
    from intake import service
    from vault.delivery import open_for_worker

    payload = open_for_worker(sealed)
    case = Case.objects.filter(pk=case_id, duress=False).first() if case_id else None
    if case is not None:
        service.applicant_wrote(case, payload)
