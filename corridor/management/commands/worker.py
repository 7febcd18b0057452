"""``corridor worker``: django-tasks-db's worker, with Corridor's rule for what a row may keep."""

import os
import time

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from corridor import outbox
from vault.keys import keyring


class OutboxWorker(db_worker.Worker):
    """The library's loop (claiming with row locks, batch mode, signals), but each claimed row
    runs through ``outbox.run``: delivered rows are deleted with their work, failed ones are
    retried and then emptied (the library would keep every row, its return value and its
    traceback)."""

    _lost_checked: float | None = None

    def run(self) -> None:
        self._check_lost()
        super().run()

    def _check_lost(self) -> None:
        """At start and then at most once a minute, before a row: rows a dead worker left."""
        if self._lost_checked is None or time.monotonic() - self._lost_checked >= 60:
            outbox.requeue_lost()
            self._lost_checked = time.monotonic()

    def run_task(self, db_task_result) -> None:
        try:
            self.running_task = True
            self._check_lost()
            outbox.run(db_task_result)
        finally:
            self.running_task = False
            self._run_tasks += 1


class Command(db_worker.Command):
    help = (
        "Run the delivery outbox (`--batch`: until it is empty). Rule: a delivered row is "
        "deleted in the transaction of its work; a failing one is retried "
        f"{outbox.MAX_ATTEMPTS} times in all over about a day and a half, then keeps no payload. "
        "Rows left running by a dead worker are retried after "
        f"{int(outbox.LEASE.total_seconds() // 60)} minutes. Only hosts holding delivery.key "
        "can run it."
    )

    def handle(self, *, verbosity: int, batch: bool, reload: bool, **options) -> None:
        # The library's handle, building this worker instead of its own.
        if keyring().delivery_private is None:  # it would fail every row until none is left
            raise CommandError("this host holds no delivery.key: only worker hosts run the outbox")
        self.configure_logging(verbosity)
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = OutboxWorker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=batch,
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
