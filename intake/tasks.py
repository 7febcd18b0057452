"""Intake's work in the outbox, run by `corridor worker` (corridor/outbox.py). Each handler gets
the keys of one sealed payload and runs inside the transaction that deletes its row. The
portal queues the same kind of row for real, unknown, duress and post-duress sessions (no
case for the last three), so a request's work tells nothing; here the worker decides."""

from cases.models import Case


def _case(case_id: str | None, *, writable: bool = True) -> Case | None:
    if not case_id:
        return None
    # A purged case gets no work (cases/retention.py): a row queued while the purge ran.
    cases = Case.objects.filter(pk=case_id, purged_at=None)
    return (cases.filter(duress=False) if writable else cases).first()


def login(*, case: str | None, duress: bool) -> None:
    """Every well-formed codename login queues one. Only the applicant's own duress word on a
    case not yet under duress does anything: the case is compromised and flagged, its escort
    tasks cancelled, the teams alerted."""
    from intake import service

    found = _case(case) if duress else None
    if found is not None:
        service.duress_effects_now(found)


def applicant_write(
    *, case: str | None, text: str = "", update: dict | None = None, duress: int | None = None
) -> None:
    """What the applicant wrote on the portal: a message, a second-stage update, or a new
    choice of duress word. Dropped when the session has no writable case."""
    from intake import service

    found = _case(case)
    if found is None:
        return
    if duress is not None:
        service.applicant_chose_duress(found, duress)
    if text or update:
        service.applicant_wrote(found, {"text": text, "update": update or {}})
