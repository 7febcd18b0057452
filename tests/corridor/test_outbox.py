"""The outbox keeps a row only until its delivery (corridor/outbox.py, `corridor worker`)."""

import base64
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import Team
from corridor import outbox
from tests.corridor.outbox_scenario import MESSAGE, UPDATE
from vault import crypto

ROOT = Path(__file__).resolve().parents[2]
SQLITE_ONLY = pytest.mark.skipif(
    os.getenv("DATABASE_URL", "").startswith("postgres"), reason="a SQLite file is copied"
)


def _env(tmp_path: Path, key_dir: Path, db: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DATABASE_URL=f"sqlite:///{db}",
        CORRIDOR_KEY_DIR=str(key_dir),
        CORRIDOR_MEDIA_ROOT=str(tmp_path / "media"),
        DJANGO_SETTINGS_MODULE="corridor.settings",
        PYTHONPATH=str(ROOT),
        CORRIDOR_ARGON2_OPSLIMIT="1",
        CORRIDOR_ARGON2_MEMLIMIT="8192",
    )
    return env


def _run(args: list[str], env: dict) -> None:
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, timeout=300
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-3000:]


def _opened(blobs: dict[str, bytes], key_dir: Path) -> list[str]:
    """Try to open every sealed-looking run of bytes with every private key of the key
    directory; also report any canary found in clear."""
    privates = [
        p.read_bytes() for p in key_dir.iterdir() if p.suffix == ".key" or p.name == "wrap.secret"
    ]
    opened = []
    for name, data in blobs.items():
        opened += [f"plain in {name}" for c in (MESSAGE, UPDATE) if c.encode() in data]
        for run in re.findall(rb"[A-Za-z0-9+/]{100,}={0,2}", data):
            try:
                sealed = base64.b64decode(run + b"=" * (-len(run) % 4))
            except ValueError:
                continue
            for private in privates:
                try:
                    opened.append(crypto.unseal(private, sealed).decode(errors="replace"))
                except crypto.DecryptionFailed:
                    pass
    return opened


def _what_a_thief_opens(db: Path, key_dir: Path, into: Path) -> list[str]:
    """Copy the database files (WAL included) and the whole key directory, as a thief would,
    then try to open what the copy holds."""
    into.mkdir()
    for path in db.parent.glob(db.name + "*"):
        shutil.copy(path, into / path.name)
    keys = shutil.copytree(key_dir, into / "keys")
    return _opened({p.name: p.read_bytes() for p in into.glob(db.name + "*")}, keys)


@SQLITE_ONLY
def test_after_the_worker_a_stolen_database_and_key_directory_open_no_message(
    tmp_path, key_directory
):
    db = tmp_path / "outbox.sqlite3"
    env = _env(tmp_path, key_directory["path"], db)
    _run(["-m", "tests.corridor.outbox_scenario"], env)
    # Another process holds the database open, as a running web server does, so the
    # write-ahead log stays on disk beside the file and is copied too. (Not this process:
    # copying a file closes descriptors, which drops this process's SQLite locks on it.)
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        assert holder.stdout.readline().strip() == b"holding"
        before = _what_a_thief_opens(db, key_directory["path"], tmp_path / "before")
        # The control: while they wait, the payloads open with delivery.key.
        assert any(MESSAGE in text for text in before) and any(UPDATE in text for text in before)
        assert not any(text.startswith("plain in") for text in before)
        _run(["-m", "corridor.cli", "worker", "--batch", "--no-startup-delay", "--no-reload"], env)
        assert (tmp_path / "outbox.sqlite3-wal").exists()
        after = _what_a_thief_opens(db, key_directory["path"], tmp_path / "after")
        assert after == []
    finally:
        holder.communicate(b"", timeout=30)
    counts = sqlite3.connect(db)
    delivered = counts.execute("SELECT count(*) FROM cases_message WHERE direction = 'in'")
    pending = counts.execute("SELECT count(*) FROM django_tasks_database_dbtaskresult")
    # The worker really delivered, and kept nothing.
    assert delivered.fetchone()[0] == 1 and pending.fetchone()[0] == 0
    counts.close()


_HOLD = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1])
connection.execute("SELECT count(*) FROM django_tasks_database_dbtaskresult").fetchone()
print("holding", flush=True)
sys.stdin.read()
"""


@pytest.mark.skipif(
    not os.getenv("DATABASE_URL", "").startswith("postgres"), reason="PostgreSQL run"
)
def test_after_the_worker_a_pg_dump_and_the_key_directory_open_no_message(tmp_path, key_directory):
    """The same on PostgreSQL, through pg_dump (dead rows until vacuum and the WAL archive are
    a documented residual risk, docs/threat-model.md)."""
    import secrets
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    from tests.vault.test_leak import _drop_database

    parts = urlsplit(os.environ["DATABASE_URL"])
    name = "corridor_outbox_" + secrets.token_hex(4)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    url = urlunsplit(parts._replace(path="/" + name))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        env = {**_env(tmp_path, key_directory["path"], tmp_path / "unused"), "DATABASE_URL": url}
        _run(["-m", "tests.corridor.outbox_scenario"], env)

        def dump() -> dict[str, bytes]:
            done = subprocess.run(["pg_dump", "--no-owner", url], capture_output=True, timeout=300)
            assert done.returncode == 0, done.stderr.decode(errors="replace")
            return {"pg_dump": done.stdout}

        before = _opened(dump(), key_directory["path"])
        assert any(MESSAGE in text for text in before) and any(UPDATE in text for text in before)
        _run(["-m", "corridor.cli", "worker", "--batch", "--no-startup-delay", "--no-reload"], env)
        after_dump = dump()
        assert _opened(after_dump, key_directory["path"]) == []
        assert b"corridor.outbox.deliver" not in after_dump["pg_dump"]  # no row left
    finally:
        _drop_database(admin_url, name)


def _claim_and_run(row) -> bool:
    row.refresh_from_db()
    row.claim("test-worker")
    return outbox.run(row)


def test_a_delivered_row_is_deleted_in_the_transaction_of_its_work(db, monkeypatch):
    def work(*, case, duress):
        Team.objects.create(name="made by the work", kind=Team.Kind.INTAKE)

    monkeypatch.setitem(outbox.HANDLERS, "login", f"{__name__}._work")
    monkeypatch.setattr(sys.modules[__name__], "_work", work, raising=False)
    outbox.enqueue("login", case=None, duress=False)
    assert _claim_and_run(DBTaskResult.objects.get())
    assert Team.objects.filter(name="made by the work").exists()
    assert not DBTaskResult.objects.exists()


def test_failed_work_is_rolled_back_retried_and_then_keeps_no_payload(db, monkeypatch):
    def work(*, case, duress):
        Team.objects.create(name="half done", kind=Team.Kind.INTAKE)
        raise ValueError("Кузьминов, +7 900 111-22-33")  # what a traceback could carry

    monkeypatch.setitem(outbox.HANDLERS, "login", f"{__name__}._work")
    monkeypatch.setattr(sys.modules[__name__], "_work", work, raising=False)
    outbox.enqueue("login", case="a-case", duress=True)
    row = DBTaskResult.objects.get()
    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        assert not _claim_and_run(row)
        row.refresh_from_db()
        assert not Team.objects.filter(name="half done").exists()  # the work rolled back
        assert row.traceback == "" and "Кузьминов" not in repr(DBTaskResult.objects.values())
        if attempt < outbox.MAX_ATTEMPTS:
            assert row.status == "READY" and row.run_after > timezone.now()
            assert row.args_kwargs["args"]  # kept for the next attempt
            DBTaskResult.objects.filter(pk=row.pk).update(run_after=timezone.now())
    assert row.status == "FAILED" and row.exception_class_path == "builtins.ValueError"
    assert row.args_kwargs == {"args": [], "kwargs": {}} and row.return_value is None


def test_a_row_left_running_by_a_dead_worker_is_tried_again(db):
    outbox.enqueue("login", case=None, duress=False)
    row = DBTaskResult.objects.get()
    row.claim("dead-worker")
    DBTaskResult.objects.filter(pk=row.pk).update(started_at=timezone.now() - outbox.LEASE * 2)
    assert outbox.requeue_lost() == 1
    row.refresh_from_db()
    assert row.status == "READY" and row.exception_class_path.endswith("WorkerLost")


def test_a_host_without_the_delivery_key_refuses_to_run_the_worker(db, monkeypatch):
    from dataclasses import replace

    from vault import keys

    ring = replace(keys.keyring(), delivery_private=None)
    monkeypatch.setattr("corridor.management.commands.worker.keyring", lambda: ring)
    outbox.enqueue("login", case=None, duress=False)
    with pytest.raises(CommandError, match="delivery.key"):
        call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert DBTaskResult.objects.get().status == "READY"  # nothing was tried, nothing lost


def test_the_library_worker_name_runs_the_outbox_worker_too():
    from django.core.management import get_commands

    assert get_commands()["db_worker"] == "corridor"


def test_an_unknown_kind_is_refused_before_anything_is_queued(db):
    with pytest.raises(outbox.UnknownKind):
        outbox.enqueue("telegram_send", case=None)
    assert not DBTaskResult.objects.exists()


def test_a_running_worker_looks_for_lost_rows_again_after_a_minute(db, monkeypatch):
    from corridor.management.commands.worker import OutboxWorker

    calls = []
    monkeypatch.setattr(outbox, "requeue_lost", lambda: calls.append(1) or 0)
    clock = iter([1000.0, 1030.0, 1061.0, 1061.0])
    from types import SimpleNamespace

    from corridor.management.commands import worker as command

    monkeypatch.setattr(command, "time", SimpleNamespace(monotonic=lambda: next(clock)))
    worker = OutboxWorker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    worker._check_lost()  # at start
    worker._check_lost()  # 30 s later: not yet
    worker._check_lost()  # 61 s after the first: again
    assert len(calls) == 2


def test_a_row_queued_for_later_is_not_claimed_before_its_time(db):
    """``run_after`` (a later deletion of Telegram messages, a retry): the row waits, sealed
    like any other, and is ready only once its time has come."""
    later = timezone.now() + timedelta(minutes=5)
    outbox.enqueue("login", run_after=later, case=None, duress=False)
    row = DBTaskResult.objects.get()
    assert row.run_after == later and not DBTaskResult.objects.ready().exists()
    assert "run_after" not in str(outbox.open_for_worker(row.args_kwargs["args"][0]))
    DBTaskResult.objects.filter(pk=row.pk).update(run_after=timezone.now())
    assert DBTaskResult.objects.ready().count() == 1
