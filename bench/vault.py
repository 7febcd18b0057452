#!/usr/bin/env python3
"""Vault costs, printed as JSON: seal a new case, open it, one blind index, one codename
derivation, one staff-key unlock at production Argon2id cost.

    .venv/bin/python bench/vault.py            (SQLite in a temporary file)
    DATABASE_URL=postgres://... .venv/bin/python bench/vault.py

Uses a throwaway key directory and, on SQLite, a throwaway database file.
"""

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = Path(tempfile.mkdtemp(prefix="corridor-bench-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{TMP}/bench.sqlite3")
os.environ["CORRIDOR_KEY_DIR"] = str(TMP / "keys")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "corridor.settings")
os.environ["DEBUG"] = "false"  # as in production: no query logging

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

ANSWERS = {
    "who": "serviceman", "name": "Иван Петрович Сидоренко", "born": "1994-03-02",
    "rank": "рядовой", "unit": "в/ч 00000", "phone": "+7 900 000-00-01", "situation": "front",
    "area": "Бахмут", "equipment": "tank", "family": "жена и двое детей",
    "outcome": "third_country",
    "notes": "Хочу жить. " * 20,
}  # fmt: skip


def timed(fn, n: int) -> dict:
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {
        "n": n,
        "mean_ms": round(statistics.fmean(samples), 3),
        "p50_ms": round(samples[n // 2], 3),
        "p99_ms": round(samples[min(n - 1, int(n * 0.99))], 3),
    }


def main() -> None:
    call_command("migrate", verbosity=0, skip_checks=True)
    from vault import keys

    keys.init_keys()
    from accounts import actions
    from accounts.models import Team
    from cases.models import Case
    from cases.numbering import next_case_number
    from vault import blind, codenames, records, teams
    from vault import staff as staff_keys
    from vault.policy import CORRESPONDENCE, IDENTITY

    settings.CORRIDOR_ARGON2_OPSLIMIT, settings.CORRIDOR_ARGON2_MEMLIMIT = 1, 8192
    intake = Team.objects.create(name="Intake", kind=Team.Kind.INTAKE)
    Team.objects.create(name="Planning", kind=Team.Kind.PLANNING)
    user, temporary = actions.create_staff_user(
        actor=None, username="op", roles=["operator"], teams=[intake]
    )
    private = staff_keys.unlock(user, temporary)
    teams.create_first_key(intake, holders=[user])
    made = []

    @transaction.atomic  # as the intake service does: one transaction per new case
    def seal_case():
        codename = codenames.new_codename()
        secret = codenames.derive(codenames.parse(codename).words)
        case = Case.objects.create(number=next_case_number(), channel="portal", team=intake)
        codenames.register(case, secret)
        made.append(records.seal(case, IDENTITY, ANSWERS, kind="answers"))
        records.seal(case, CORRESPONDENCE, {"phrase": "зелёная лампа"}, kind="phrase")
        blind.store_many(
            case,
            [
                ("full_name", ANSWERS["name"]),
                ("phone", ANSWERS["phone"]),
                ("name_dob", {"name": ANSWERS["name"], "dob": ANSWERS["born"]}),
            ],
        )

    def open_case():
        record = made[len(made) // 2]
        records.decrypt(record, records.data_key(user, private, record))

    codename = codenames.new_codename()
    results = {
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "seal_new_case": timed(seal_case, 300),
        "open_identity_record": timed(open_case, 300),
        "blind_index_phone": timed(lambda: blind.blind_index("phone", "+7 900 000-00-01"), 2000),
        "blind_index_name": timed(lambda: blind.blind_index("full_name", ANSWERS["name"]), 2000),
        "codename_parse_and_derive": timed(
            lambda: codenames.derive(codenames.parse(codename).words), 2000
        ),
    }
    settings.CORRIDOR_ARGON2_OPSLIMIT = 3
    settings.CORRIDOR_ARGON2_MEMLIMIT = 64 * 1024 * 1024
    staff_keys.rewrap(user, private, temporary)
    results["staff_unlock_production_argon2id"] = timed(
        lambda: staff_keys.unlock(user, temporary), 10
    )
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
