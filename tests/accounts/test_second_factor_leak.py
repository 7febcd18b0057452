"""The database file alone yields no TOTP seed and no usable backup code, for a new database
and for one upgraded from django-otp's plaintext tables.

As tests/vault/test_leak.py does, each scenario runs in its own process against a real SQLite
file (with its WAL), and every scan must also find a plaintext control written to an ordinary
column, so it provably looks where the data is.
"""

import base64
import hashlib
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.accounts.second_factor_scenario import CONTROL
from tests.vault.test_leak import _drop_database

ROOT = Path(__file__).resolve().parents[2]
ON_POSTGRES = os.getenv("DATABASE_URL", "").startswith("postgres")
sqlite_run = pytest.mark.skipif(ON_POSTGRES, reason="SQLite run")
postgres_run = pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL run")


def _seed_forms(seed: bytes) -> list[bytes]:
    b32 = base64.b32encode(seed)
    forms = [seed, seed.hex().encode(), seed.hex().upper().encode(), b32, b32.rstrip(b"=")]
    forms += [
        b32.lower(),
        base64.b64encode(seed),
        b" ".join(b32[i : i + 4] for i in range(0, 32, 4)),
    ]
    return forms


def _code_forms(code: str) -> list[bytes]:
    """The code as typed, and every unkeyed hash of it a thief would try first: finding one of
    these would let the database alone test guesses of 40-bit codes offline."""
    raw = [code.encode(), code.upper().encode(), code.encode("utf-16-le")]
    digests = [hashlib.new(n, code.encode()).digest() for n in ("sha256", "sha1", "md5", "sha512")]
    digests.append(hashlib.blake2b(code.encode(), digest_size=32).digest())
    return raw + digests + [d.hex().encode() for d in digests]


def _scan(blobs: dict[str, bytes], seed: bytes, codes: list[str]) -> list[str]:
    found = []
    for where, data in blobs.items():
        if any(form in data for form in _seed_forms(seed)):
            found.append(f"seed in {where}")
        found += [
            f"backup code in {where}" for c in codes if any(f in data for f in _code_forms(c))
        ]
    return found


def _run(tmp_path: Path, key_dir: Path, db: Path | str, *args: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        DATABASE_URL=db if isinstance(db, str) else f"sqlite:///{db}",
        CORRIDOR_KEY_DIR=str(key_dir),
        CORRIDOR_MEDIA_ROOT=str(tmp_path / "media"),
        PYTHONPATH=str(ROOT),
        CORRIDOR_ARGON2_OPSLIMIT="1",  # INSECURE: cheap staff-key wrapping, only for speed
        CORRIDOR_ARGON2_MEMLIMIT="8192",
    )
    result = subprocess.run(
        [sys.executable, "-m", "tests.accounts.second_factor_scenario", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")[-3000:]
    return json.loads(result.stdout.decode().strip().splitlines()[-1])


def _files(tmp_path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in tmp_path.glob("2fa.sqlite3*")}


@sqlite_run
def test_a_database_file_holds_no_seed_and_no_backup_code(tmp_path, key_directory):
    known = _run(tmp_path, key_directory["path"], tmp_path / "2fa.sqlite3", "fresh")
    files = _files(tmp_path)
    assert any(CONTROL.encode() in data for data in files.values()), "the scan sees nothing"
    assert _scan(files, bytes.fromhex(known["seed"]), known["codes"]) == []


@sqlite_run
def test_an_upgraded_database_file_keeps_no_plaintext_second_factor(tmp_path, key_directory):
    """django-otp's tables held the seed in hex and the codes as typed; after `migrate` the
    same logins work and the file no longer holds them, not even in freed pages."""
    db = tmp_path / "2fa.sqlite3"
    known = _run(tmp_path, key_directory["path"], db, "legacy")
    seed = bytes.fromhex(known["seed"])
    before = _files(tmp_path)
    assert _scan(before, seed, known["codes"]), "the legacy tables hold them in clear"
    _run(tmp_path, key_directory["path"], db, "upgrade", json.dumps(known))
    after = _files(tmp_path)
    assert any(CONTROL.encode() in data for data in after.values()), "the scan sees nothing"
    assert _scan(after, seed, known["codes"]) == []


@sqlite_run
def test_the_upgrade_refuses_without_the_key_directory(tmp_path, key_directory):
    db = tmp_path / "2fa.sqlite3"
    known = _run(tmp_path, key_directory["path"], db, "legacy")
    env_keys = tmp_path / "no-keys"
    with pytest.raises(AssertionError, match="needs the key directory"):
        _run(tmp_path, env_keys, db, "upgrade", json.dumps(known))
    # Nothing was dropped: with the keys the upgrade then goes through.
    _run(tmp_path, key_directory["path"], db, "upgrade", json.dumps(known))


@postgres_run
def test_an_upgraded_postgresql_database_keeps_no_plaintext_second_factor(tmp_path, key_directory):
    """The same upgrade on PostgreSQL, scanned as a `pg_dump` of the upgraded database."""
    import psycopg

    parts = urlsplit(os.environ["DATABASE_URL"])
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    name = "corridor_2fa_" + secrets.token_hex(4)
    url = urlunsplit(parts._replace(path="/" + name))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        known = _run(tmp_path, key_directory["path"], url, "legacy")
        _run(tmp_path, key_directory["path"], url, "upgrade", json.dumps(known))
        dump = subprocess.run(["pg_dump", "--no-owner", url], capture_output=True, timeout=300)
        assert dump.returncode == 0, dump.stderr.decode(errors="replace")
        assert CONTROL.encode() in dump.stdout, "the scan sees nothing"
        assert _scan({"pg_dump": dump.stdout}, bytes.fromhex(known["seed"]), known["codes"]) == []
    finally:
        _drop_database(admin_url, name)


def test_the_scan_finds_a_plaintext_seed_and_code():
    """The same scan, shown the seed and a code in each stored form, reports every one."""
    seed, code = bytes(range(20)), "abcd2345"
    for form in _seed_forms(seed):
        assert _scan({"plain": b"x" + form + b"y"}, seed, []) == ["seed in plain"]
    for form in _code_forms(code):
        assert _scan({"plain": b"x" + form + b"y"}, seed, [code]) == ["backup code in plain"]
