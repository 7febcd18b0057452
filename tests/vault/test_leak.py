"""A stolen database, dump, media folder or log reveals none of the sealed personal data.

The scenario runs in its own process against a real database: a SQLite file (and its WAL) or,
on PostgreSQL, a fresh database that is then dumped with pg_dump. Every scan must also find a
plaintext control written to an ordinary column, so it provably looks where the data is.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.vault.leak_scenario import CANARY, CONTROL

ROOT = Path(__file__).resolve().parents[2]


def _needles() -> dict[str, list[bytes]]:
    needles = {}
    for key, value in CANARY.items():
        forms = {value, json.dumps(value)[1:-1], value.replace(" ", "")}
        if key == "phone":
            forms.add("+79995554433")
        parts = [p for p in value.replace(",", " ").split() if len(p) >= 6]
        forms.update(parts)
        needles[key] = sorted({f.encode() for f in forms} | {f.encode("utf-16-le") for f in forms})
    return needles


def _scan(blobs: dict[str, bytes]) -> list[str]:
    found = []
    for where, data in blobs.items():
        for key, forms in _needles().items():
            if any(form in data for form in forms):
                found.append(f"{key} in {where}")
    return found


# The key directory's secrets (public halves may be anywhere): never inside a database backup.
SECRET_KEY_FILES = ("pepper-index", "pepper-codename", "pepper-checkword", "wrap.secret",
                    "signing.key", "delivery.key")  # fmt: skip


def _keys_in(blobs: dict[str, bytes], key_dir: Path) -> list[str]:
    """Key files whose bytes (raw, hex or base64) appear in any blob."""
    import base64

    found = []
    for name in SECRET_KEY_FILES:
        raw = (key_dir / name).read_bytes()
        forms = [raw, raw.hex().encode(), base64.b64encode(raw), base64.urlsafe_b64encode(raw)]
        found += [
            f"{name} in {where}" for where, data in blobs.items() if any(f in data for f in forms)
        ]
    return found


def _run_scenario(tmp_path: Path, key_dir: Path, database_url: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DATABASE_URL=database_url,
        CORRIDOR_KEY_DIR=str(key_dir),
        CORRIDOR_MEDIA_ROOT=str(tmp_path / "media"),
        CORRIDOR_LOG_LEVEL="DEBUG",
        DJANGO_SETTINGS_MODULE="corridor.settings",
        PYTHONPATH=str(ROOT),
        CORRIDOR_ARGON2_OPSLIMIT="1",
        CORRIDOR_ARGON2_MEMLIMIT="8192",
    )
    result = subprocess.run(
        [sys.executable, "-m", "tests.vault.leak_scenario"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")[-3000:]
    return result


def _media(tmp_path: Path) -> dict[str, bytes]:
    files = {
        f"media/{p.name}": p.read_bytes() for p in (tmp_path / "media").rglob("*") if p.is_file()
    }
    assert files, "the scenario wrote an attachment"
    return files


def _assert_nothing_leaks(database: dict[str, bytes], tmp_path: Path, logs: bytes) -> None:
    assert any(CONTROL.encode() in data for data in database.values()), "the scan sees nothing"
    assert CONTROL.encode() in logs, "the log scan sees nothing"
    leaks = _scan({**database, **_media(tmp_path), "logs": logs})
    assert leaks == []


@pytest.mark.skipif(os.getenv("DATABASE_URL", "").startswith("postgres"), reason="SQLite run")
def test_nothing_leaks_into_a_sqlite_file(tmp_path, key_directory):
    db = tmp_path / "leak.sqlite3"
    result = _run_scenario(tmp_path, key_directory["path"], f"sqlite:///{db}")
    files = {p.name: p.read_bytes() for p in tmp_path.glob("leak.sqlite3*")}
    _assert_nothing_leaks(files, tmp_path, result.stdout + result.stderr)
    assert _keys_in(files, key_directory["path"]) == []


def _drop_database(admin_url: str, name: str) -> None:
    """Drop the scratch database. A server process of another role (autovacuum, say) can hold
    it for a moment and WITH (FORCE) may not end it: wait and try again rather than fail the
    leak test over its clean-up."""
    import time

    import psycopg

    for _attempt in range(20):
        try:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except (psycopg.errors.InsufficientPrivilege, psycopg.errors.ObjectInUse):
            time.sleep(0.5)
    raise AssertionError(f"could not drop the scratch database {name}")


@pytest.mark.skipif(
    not os.getenv("DATABASE_URL", "").startswith("postgres"), reason="PostgreSQL run"
)
def test_nothing_leaks_into_a_pg_dump(tmp_path, key_directory):
    import psycopg

    base = os.environ["DATABASE_URL"]
    name = "corridor_leak_" + secrets.token_hex(4)
    parts = urlsplit(base)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    leak_url = urlunsplit(parts._replace(path="/" + name))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        result = _run_scenario(tmp_path, key_directory["path"], leak_url)
        dump = subprocess.run(["pg_dump", "--no-owner", leak_url], capture_output=True, timeout=300)
        assert dump.returncode == 0, dump.stderr.decode(errors="replace")
        _assert_nothing_leaks({"pg_dump": dump.stdout}, tmp_path, result.stdout + result.stderr)
        assert _keys_in({"pg_dump": dump.stdout}, key_directory["path"]) == []
    finally:
        _drop_database(admin_url, name)


def test_the_key_scan_finds_a_key_file_in_any_form(key_directory):
    """The key scan, shown the pepper as hex inside a dump, reports it."""
    pepper = (key_directory["path"] / "pepper-index").read_bytes()
    dump = b"COPY vault_x (v) FROM stdin;\n" + pepper.hex().encode() + b"\n"
    assert _keys_in({"dump": dump}, key_directory["path"]) == ["pepper-index in dump"]


def test_the_scan_finds_a_plaintext_canary(tmp_path):
    """The same scan, shown a plain copy, reports it: a scan that cannot see would pass."""
    plain = json.dumps(CANARY, ensure_ascii=False).encode()
    assert len(_scan({"plain": plain})) == len(CANARY)
