#!/usr/bin/env python3
"""The blind-index roster attack, measured (docs/threat-model.md, residual risk 1).

Whoever holds the database *and* ``pepper-index`` can compute the phone index of any number
and look it up in the stored indexes. This prints, as JSON, how fast that is on this machine:

* ``server_path``: ``vault.blind.blind_index("phone", ...)`` as the application runs it
  (phonenumbers normalisation, then the keyed hash), on a sample;
* ``attacker_path``: the phone index of 1,000,000 numbers written straight in E.164 form, the
  subkey derived once, one keyed BLAKE2b (Python's hashlib) per number: what a roster check
  costs. Checked equal to the server's values on a sample first;
* ``roster_check``: a roster of those 1,000,000 numbers matched against a simulated phone index
  table (some roster numbers applied, the rest of the cases are strangers): hits, how many are
  true, and the false candidates that truncation to 26 bits adds;
* ``all_russian_mobiles``: the time to index every +79XXXXXXXXX number (10⁹) on one core.

    .venv/bin/python bench/roster.py

Uses a throwaway key directory; no database. One core, one process.
"""

import hashlib
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = Path(tempfile.mkdtemp(prefix="corridor-bench-"))
os.environ["CORRIDOR_KEY_DIR"] = str(TMP / "keys")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{TMP}/unused.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "corridor.settings")
os.environ["DEBUG"] = "false"

import django  # noqa: E402

django.setup()

ROSTER = 1_000_000
SERVER_SAMPLE = 50_000
RUSSIAN_MOBILES = 10**9  # +79XXXXXXXXX


def _numbers(rng: random.Random, n: int) -> list[str]:
    return [f"+79{n:09d}" for n in rng.sample(range(RUSSIAN_MOBILES), n)]


def main() -> None:
    from vault import blind, keys

    keys.init_keys()
    rng = random.Random(18)  # noqa: S311  (test data, not secrets)
    roster = _numbers(rng, ROSTER)
    bits = blind.INDEXES["phone"].bits
    subkey = blind._subkey("phone")
    person = b"blind-index".ljust(16, b"\0")

    def attacker_index(number: str) -> int:
        digest = hashlib.blake2b(number.encode(), digest_size=8, key=subkey, person=person).digest()
        return int.from_bytes(digest, "big") >> (64 - bits)

    sample = roster[:1000]
    assert [attacker_index(n) for n in sample] == [blind.blind_index("phone", n) for n in sample]

    start = time.perf_counter()
    for number in roster[:SERVER_SAMPLE]:
        blind.blind_index("phone", number)
    server_seconds = time.perf_counter() - start

    start = time.perf_counter()
    roster_index = [attacker_index(n) for n in roster]
    attacker_seconds = time.perf_counter() - start
    rate = ROSTER / attacker_seconds

    checks = {}
    for cases in (10_000, 100_000):
        applied = set(rng.sample(range(ROSTER), cases // 10))  # a tenth of the cases are on it
        strangers = _numbers(rng, cases - len(applied))
        stored = {roster_index[i] for i in applied} | {attacker_index(n) for n in strangers}
        start = time.perf_counter()
        hits = [i for i, value in enumerate(roster_index) if value in stored]
        match_seconds = time.perf_counter() - start
        true = sum(1 for i in hits if i in applied)
        checks[f"{cases}_cases"] = {
            "roster_numbers_that_applied": len(applied),
            "hits": len(hits),
            "true_hits": true,
            "false_candidates": len(hits) - true,
            "expected_false_candidates": round((ROSTER - len(applied)) * len(stored) / 2**bits, 1),
            "match_seconds": round(match_seconds, 3),
        }

    print(
        json.dumps(
            {
                "index_bits": bits,
                "server_path": {
                    "numbers": SERVER_SAMPLE,
                    "seconds": round(server_seconds, 3),
                    "per_second": round(SERVER_SAMPLE / server_seconds),
                },
                "attacker_path": {
                    "numbers": ROSTER,
                    "seconds": round(attacker_seconds, 3),
                    "per_second": round(rate),
                },
                "roster_check": checks,
                "all_russian_mobiles": {
                    "numbers": RUSSIAN_MOBILES,
                    "one_core_minutes": round(RUSSIAN_MOBILES / rate / 60, 1),
                },
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
