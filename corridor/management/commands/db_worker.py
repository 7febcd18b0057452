"""``db_worker`` is Corridor's outbox worker too: the library's own would keep every delivered
row with its sealed payload (this app is listed before django_tasks_db, so its command wins)."""

from corridor.management.commands.worker import Command  # noqa: F401
