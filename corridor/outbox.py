"""The delivery outbox (DESIGN.md, "Background work"), on django-tasks' database backend.

Every row is the same task, ``deliver``, with one argument: a payload sealed to the workers'
delivery key (vault/delivery.py) that names what to do (``kind``), the case it concerns and
the data. So a pending row tells a database reader neither which case nor what; only a host
holding ``delivery.key`` opens it.

A row lives only until it is delivered. ``run`` (called by ``corridor worker`` for each row
it has claimed) runs the work and deletes the row in one transaction, so the work's writes
and the row's disappearance commit together or not at all: a crash before the commit leaves
the row to be run again (the only duplicate-delivery window is for effects outside the
database, docs/threat-model.md). A failed run is retried ``MAX_ATTEMPTS`` times in all, after
``BACKOFF``; after the last, the row keeps its times and the exception's class but loses its
payload. Tracebacks and return values are never stored: they could hold what the payload held.
"""

import logging
from datetime import datetime, timedelta

from django.db import OperationalError, connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from vault.delivery import open_for_worker, seal_for_worker

logger = logging.getLogger("corridor.outbox")

# What a payload's ``kind`` runs: a plain table, no registration. Each handler takes the
# payload's other keys as keyword arguments and runs inside the row's transaction.
HANDLERS = {
    "login": "intake.tasks.login",
    "applicant_write": "intake.tasks.applicant_write",
    "telegram_deliver": "telegram_bot.tasks.send_delivery",
    "telegram_delete": "telegram_bot.tasks.delete_messages",
}

MAX_ATTEMPTS = 5
# Wait before attempt 2, 3, 4 and 5: about a day and a half in all, then the payload is gone.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=10), timedelta(hours=2), timedelta(hours=24))
# A row claimed this long ago and still running lost its worker (killed, host gone).
LEASE = timedelta(minutes=15)
_EMPTY = {"args": [], "kwargs": {}}


class UnknownKind(ValueError):
    pass


def enqueue(kind: str, *, run_after: datetime | None = None, **payload) -> None:
    """Queue work for the worker, in the caller's transaction. ``payload`` (the case id too)
    is sealed; the row itself carries only the task's name and times. ``run_after``: not
    before then (a later deletion, a retry the handler schedules itself)."""
    if kind not in HANDLERS:
        raise UnknownKind("no handler for this kind of outbox row")
    queued = deliver.using(run_after=run_after) if run_after is not None else deliver
    queued.enqueue(seal_for_worker({"kind": kind, **payload}))


@task()
def deliver(sealed: str) -> None:
    payload = open_for_worker(sealed)
    kind = payload.pop("kind", None)
    if kind not in HANDLERS:
        raise UnknownKind("no handler for this kind of outbox row")
    import_string(HANDLERS[kind])(**payload)


def _rows():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects


def run(row) -> bool:
    """Run one claimed row. On success the row is deleted in the transaction of its work;
    on failure it is scheduled again or, after the last attempt, emptied. True if delivered."""
    try:
        with transaction.atomic():
            row.task.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
            _rows().filter(pk=row.pk).delete()
    except Exception as error:  # noqa: BLE001  (any failure of the work is recorded, not raised)
        failed(row, type(error))
        return False
    _forget_sqlite_pages()
    return True


def failed(row, error: type[BaseException]) -> None:
    """Record a failed attempt: retry later, or after the last attempt drop the payload.
    Only the exception's class is kept; its message and traceback could hold personal data."""
    from django_tasks_db.compat import TaskResultStatus

    attempts = len(row.worker_ids)
    name = f"{error.__module__}.{error.__qualname__}"
    now = timezone.now()
    if attempts < MAX_ATTEMPTS:
        wait = BACKOFF[min(attempts, len(BACKOFF)) - 1]
        _rows().filter(pk=row.pk).update(
            status=TaskResultStatus.READY,
            run_after=now + wait,
            exception_class_path=name,
            traceback="",
        )
        logger.warning(
            "outbox row %s failed (%s), attempt %d of %d", row.pk, name, attempts, MAX_ATTEMPTS
        )
        return
    _rows().filter(pk=row.pk).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        args_kwargs=_EMPTY,
        return_value=None,
        exception_class_path=name,
        traceback="",
    )
    _forget_sqlite_pages()
    logger.error("outbox row %s failed (%s) for good; its payload is deleted", row.pk, name)


class WorkerLost(Exception):
    """A claimed row outlived its lease: the worker running it died."""


def requeue_lost() -> int:
    """Rows left running by a dead worker count as a failed attempt (retried or emptied)."""
    from django_tasks_db.compat import TaskResultStatus

    lost = (
        _rows()
        .filter(status=TaskResultStatus.RUNNING, started_at__lt=timezone.now() - LEASE)
        .only("pk", "worker_ids")
    )
    count = 0
    for row in lost:
        failed(row, WorkerLost)
        count += 1
    return count


def _forget_sqlite_pages() -> None:
    """On SQLite (development), deleted rows are zeroed in the file (``secure_delete``, see
    settings) but their old pages stay in the write-ahead log until it is checkpointed: empty
    it now, so a copy of the files taken later holds no delivered payload. PostgreSQL keeps
    dead rows until vacuum and in its WAL archive: docs/threat-model.md."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return  # inside a caller's transaction (tests): its commit is not ours to force
    try:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except OperationalError:  # busy: the next delivered row checkpoints again
        logger.info("outbox: write-ahead log busy, checkpoint postponed")
