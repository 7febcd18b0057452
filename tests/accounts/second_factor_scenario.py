"""Run by test_second_factor_leak.py in its own process, against the SQLite file named by
DATABASE_URL. Prints one line of JSON: the seed and backup codes a user's phone and paper hold,
so that the test can look for them in the file.

* ``fresh``: migrate, make a user who enrols an authenticator through the real views, gets
  backup codes, logs in with one of them and with a TOTP code; a plaintext control goes into
  an ordinary column (a team name).
* ``legacy``: with django-otp's plaintext plugins installed (legacy_otp_settings), migrate as a
  database made before this change was, and give a user a TOTP device and backup codes there.
* ``upgrade``: run today's migrations on that file, then log in with the old seed's code and
  an old backup code, and check that the old backup code is then used up.
"""

import base64
import json
import os
import re
import sys

import django

CONTROL = "PLAINTEXT-CONTROL-2FA-5V8Q"
PASSWORD = "correct horse battery staple"


def _client():
    from django.test import Client

    client = Client()
    client.cookies["corridor_language"] = "en"
    return client


def _code(seed: bytes) -> str:
    from django_otp.oath import totp

    return f"{totp(seed):06d}"


def _login(username: str, code: str) -> bool:
    response = _client().post("/login/", {"username": username, "password": PASSWORD, "code": code})
    return response.status_code == 302 and response["Location"] == "/"


def fresh() -> dict:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, skip_checks=True)
    from accounts import actions
    from accounts.models import Team, TOTPDevice

    team = Team.objects.create(name=CONTROL, kind=Team.Kind.INTAKE)
    user, temporary = actions.create_staff_user(
        actor=None, username="op", roles=["operator"], teams=[team]
    )
    actions.change_password(user=user, current_password=temporary, new_password=PASSWORD)
    client = _client()
    client.post("/login/", {"username": "op", "password": PASSWORD, "code": ""})
    page = client.get("/enrol/").content.decode()
    secret = re.search(r"<code[^>]*>([A-Z2-7 ]{39})</code>", page).group(1).replace(" ", "")
    seed = base64.b32decode(secret)
    done = client.post("/enrol/", {"code": _code(seed)}).content.decode()
    codes = re.findall(r"<code>([a-z2-7]{8})</code>", done)
    assert len(codes) == 10 and TOTPDevice.objects.get(user=user).confirmed
    assert _login("op", codes[0])  # a backup code, used up
    TOTPDevice.objects.filter(user=user).update(last_t=-1)  # the enrolment used this step
    assert _login("op", _code(seed))
    return {"seed": seed.hex(), "codes": codes}


def legacy() -> dict:
    from django.core.management import call_command

    # The schema as it was: every app, but accounts before its second-factor migrations, and
    # django-otp's plugins.
    call_command("migrate", verbosity=0, skip_checks=True)
    call_command("migrate", "accounts", "0001", verbosity=0, skip_checks=True)
    call_command("migrate", "otp_totp", verbosity=0, skip_checks=True)
    call_command("migrate", "otp_static", verbosity=0, skip_checks=True)
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import Team, User

    Team.objects.create(name=CONTROL, kind=Team.Kind.INTAKE)
    user = User.objects.create_user("op", password=PASSWORD)  # no key pair: made at login
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    static = StaticDevice.objects.create(user=user, name="backup")
    codes = [StaticToken.random_token() for _ in range(3)]
    for code in codes:
        StaticToken.objects.create(device=static, token=code)
    return {"seed": device.key, "codes": codes}


def upgrade(seed_hex: str, codes: list[str]) -> dict:
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "sqlite":
        # Debian's SQLite zeroes freed pages by default; others do not. Start from "off" so
        # the test shows that the migration itself makes SQLite zero the old tables' pages.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = OFF")
    call_command("migrate", verbosity=0, skip_checks=True)
    tables = connection.introspection.table_names()
    assert not [t for t in tables if t.startswith(("otp_totp", "otp_static"))], tables
    assert _login("op", _code(bytes.fromhex(seed_hex)))
    assert _login("op", codes[1])
    from accounts.models import BackupCodeDevice

    BackupCodeDevice.objects.update(throttling_failure_count=0, throttling_failure_timestamp=None)
    assert not _login("op", codes[1])
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_migrations WHERE app LIKE 'otp_%%'")
        assert cursor.fetchone()[0] == 0
    return {"seed": seed_hex, "codes": codes}


def main() -> None:
    mode = sys.argv[1]
    if mode == "legacy":
        os.environ["DJANGO_SETTINGS_MODULE"] = "tests.accounts.legacy_otp_settings"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "corridor.settings")
    django.setup()
    if mode == "fresh":
        result = fresh()
    elif mode == "legacy":
        result = legacy()
    else:
        known = json.loads(sys.argv[2])
        result = upgrade(known["seed"], known["codes"])
    print(json.dumps(result))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
