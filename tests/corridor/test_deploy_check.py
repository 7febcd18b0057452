"""Production settings pass Django's deployment checks and refuse to start without secrets."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "CORRIDOR_ENV": "production",
    "SECRET_KEY": "k" * 20 + "-production-test-key-" + "z" * 30,
    "DATABASE_URL": "postgres://corridor:secret@127.0.0.1:5432/corridor",
    "ALLOWED_HOSTS": "staff.example.org",
    "CORRIDOR_HOTLINE": "+380 44 000 00 00",
}


@pytest.fixture(autouse=True)
def production_keys(key_directory):
    PRODUCTION["CORRIDOR_KEY_DIR"] = str(key_directory["path"])


def _run(*args, env_overrides: dict, drop=()) -> subprocess.CompletedProcess:
    # A production host has none of the test environment (DJANGO_ALLOW_ASYNC_UNSAFE, DATABASE_URL).
    skip = {*drop, "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = "corridor.settings"
    return subprocess.run(
        [sys.executable, "-m", "django", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing_with_production_settings():
    result = _run("check", "--deploy", "--fail-level", "DEBUG", env_overrides=PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_it_refuses_to_start_in_production_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = _run("check", env_overrides=env, drop=("SECRET_KEY", "SECRET_KEY_FILE"))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_it_refuses_to_start_in_production_on_sqlite():
    env = dict(PRODUCTION, DATABASE_URL="sqlite:///tmp/x.sqlite3")
    result = _run("check", env_overrides=env)
    assert result.returncode != 0 and "PostgreSQL" in result.stderr


def test_it_reads_the_secret_key_from_a_file(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text(PRODUCTION["SECRET_KEY"] + "\n")
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    env["SECRET_KEY_FILE"] = str(key_file)
    result = _run("check", "--deploy", env_overrides=env, drop=("SECRET_KEY",))
    assert result.returncode == 0, result.stderr


def test_the_system_check_flags_debug_in_production():
    result = _run("check", "--deploy", env_overrides=dict(PRODUCTION, DEBUG="true"))
    assert result.returncode != 0 and "corridor.E001" in result.stderr


def test_it_refuses_to_start_without_keys(tmp_path):
    env = dict(PRODUCTION, CORRIDOR_KEY_DIR=str(tmp_path / "empty"))
    result = _run("check", "--deploy", env_overrides=env)
    assert result.returncode != 0 and "vault.E001" in result.stderr
    wsgi = subprocess.run(
        [sys.executable, "-c", "import corridor.wsgi"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **env, "DJANGO_SETTINGS_MODULE": "corridor.settings"},
        timeout=120,
    )
    assert wsgi.returncode != 0 and "refuses to start" in wsgi.stderr


def test_the_system_check_refuses_a_weak_argon2_cost_in_production():
    result = _run("check", "--deploy", env_overrides=dict(PRODUCTION, CORRIDOR_ARGON2_OPSLIMIT="1"))
    assert result.returncode != 0 and "corridor.E005" in result.stderr


def test_every_systemd_unit_runs_a_command_that_exists():
    """A unit calling a mistyped or removed command would fail only on the server, at night."""
    import re
    import shlex
    from pathlib import Path

    from django.core.management import get_commands

    known = set(get_commands()) | {"serve", "worker"}
    units = sorted(Path("deploy/systemd").glob("*.service"))
    assert any(u.name == "corridor-cases-dormant.service" for u in units)
    seen = 0
    for unit in units:
        for line in unit.read_text().splitlines():
            found = re.match(r"ExecStart=/srv/corridor/\.venv/bin/corridor (.+)", line)
            if found:
                command = shlex.split(found.group(1))[0]
                assert command in known, f"{unit.name}: corridor {command}"
                seen += 1
    assert seen >= 4
    assert "cases mark-dormant" in Path("deploy/systemd/corridor-cases-dormant.service").read_text()
    # Checkpoints hourly, so that deleting recent audit events is caught (docs/audit.md).
    hourly = Path("deploy/systemd/corridor-audit-checkpoint.timer").read_text()
    assert "OnCalendar=hourly" in hourly
    assert (
        "audit checkpoint --output"
        in Path("deploy/systemd/corridor-audit-checkpoint.service").read_text()
    )


@pytest.mark.parametrize(
    "sample",
    [
        {"CORRIDOR_HOTLINE": "+380 00 000 00 00"},
        {"CORRIDOR_HOTLINE": "+380 00 000 0000"},  # deploy/env.example's placeholder
        {"CORRIDOR_BOT_NAME": "@sample_not_a_real_channel_demo_bot"},
        {"CORRIDOR_BOT_NAME": "@example_bot"},
        {"CORRIDOR_PORTAL_HOSTS": "corridordemonotarealaddress" + "x" * 29 + ".onion"},
    ],
)
def test_production_refuses_the_demo_s_sample_channels(sample):
    result = _run("check", "--deploy", env_overrides=dict(PRODUCTION, **sample))
    assert result.returncode != 0 and "corridor.E007" in result.stderr
    assert next(iter(sample)) in result.stderr


def test_production_gets_no_sample_channel_by_default_and_warns_without_any():
    env = {k: v for k, v in PRODUCTION.items() if k != "CORRIDOR_HOTLINE"}
    drop = ("CORRIDOR_HOTLINE", "CORRIDOR_BOT_NAME", "CORRIDOR_PORTAL_HOSTS")
    shown = _run(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(repr((s.CORRIDOR_HOTLINE, s.CORRIDOR_BOT_NAME, s.CORRIDOR_PORTAL_HOSTS)))",
        env_overrides=env,
        drop=drop,
    )
    assert shown.stdout.strip().endswith("('', '', [])"), shown.stderr
    result = _run("check", "--deploy", "--fail-level", "WARNING", env_overrides=env, drop=drop)
    assert result.returncode != 0 and "corridor.W001" in result.stderr


PORTAL = "portal.example.org,abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion"


def test_portal_hosts_beside_the_staff_host_pass_and_django_answers_for_both():
    env = dict(PRODUCTION, CORRIDOR_PORTAL_HOSTS=PORTAL)
    result = _run("check", "--deploy", "--fail-level", "DEBUG", env_overrides=env)
    assert result.returncode == 0, result.stderr + result.stdout
    shown = _run(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.ALLOWED_HOSTS)",
        env_overrides=env,
    )
    assert "staff.example.org" in shown.stdout and "portal.example.org" in shown.stdout


@pytest.mark.parametrize(
    "staff_hosts",
    [
        "staff.example.org,portal.example.org",  # the same name in both lists
        "staff.example.org,PORTAL.example.org.",  # in another spelling
        ".example.org",  # a staff wildcard that covers the portal
        "*",
    ],
)
def test_it_refuses_to_start_when_a_host_is_both_portal_and_staff(staff_hosts):
    env = dict(PRODUCTION, ALLOWED_HOSTS=staff_hosts, CORRIDOR_PORTAL_HOSTS=PORTAL)
    result = _run("check", env_overrides=env)
    assert result.returncode != 0 and "never both: portal.example.org" in result.stderr
    served = subprocess.run(  # what gunicorn loads: it must not start either
        [sys.executable, "-c", "import corridor.wsgi"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **env, "DJANGO_SETTINGS_MODULE": "corridor.settings"},
        timeout=120,
    )
    assert served.returncode != 0 and "never both" in served.stderr


@pytest.mark.parametrize("portal_hosts", ["*", ".example.org", f"{PORTAL},.onion"])
def test_it_refuses_a_portal_host_pattern_that_would_serve_the_staff_console(portal_hosts):
    """A portal request is matched by exact name: a pattern in CORRIDOR_PORTAL_HOSTS made Django
    accept the portal's names and route them all to the staff login."""
    env = dict(PRODUCTION, CORRIDOR_PORTAL_HOSTS=portal_hosts)
    result = _run("check", env_overrides=env)
    assert result.returncode != 0 and "never a pattern" in result.stderr


def test_it_refuses_a_key_directory_inside_the_backed_up_folders():
    for inside in (ROOT / "var" / "keys", ROOT / "var" / "media" / "keys"):
        result = _run("check", env_overrides=dict(PRODUCTION, CORRIDOR_KEY_DIR=str(inside)))
        assert result.returncode != 0 and "CORRIDOR_KEY_DIR must lie outside" in result.stderr
