#!/usr/bin/env python3
"""Do the four kinds of codename login take the same time? Printed as JSON.

    .venv/bin/python bench/logins.py                     (SQLite in a temporary file)
    DATABASE_URL=postgres://... .venv/bin/python bench/logins.py
    .venv/bin/python bench/logins.py --samples 200       (per kind; default 400)

Starts gunicorn (2 sync workers) on 127.0.0.1 with a throwaway key directory and database,
seeds cases through the intake service, then times the login POST (the one request that
differs by kind) from one client, the kinds shuffled together so that drift hits all alike:
* unknown: a well-formed codename that matches no case (a fresh one each time);
* empty:   a real codename whose inbox is empty;
* real:    a real codename with a staff message waiting;
* duress:  the six words with the applicant's chosen duress word, each on its own case, so that
  every sample is a *first* duress login.
No outbox worker runs meanwhile: the point is what the login request itself costs (its
effects are the worker's, DESIGN.md). Each kind is compared with *unknown* by a two-sided
Mann–Whitney U test (normal approximation with tie correction) and a permutation test of the
difference in means, both in plain Python. A p-value above 0.01 means no difference this
many samples can detect; the medians and their difference say how large any difference is.
"""

import argparse
import http.client
import json
import math
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("unknown", "empty", "real", "duress")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PORT = _free_port()

SEED = """
import json, sys
import django
django.setup()
from accounts import actions
from accounts.models import Team
from cases import messages
from intake import service
from intake.questionnaire import current
from vault import codenames, teams

count = int(sys.argv[1])
team = Team.objects.get_or_create(name="Intake", kind="intake")[0]
user, _p = actions.create_staff_user(actor=None, username="op", roles=["operator"], teams=[team])
teams.create_first_key(team, holders=[user])

def case():
    answers = {"who": "serviceman", "name": "Иван Сидоренко", "situation": "front"}
    return service.submit(current(), answers, channel="portal", language="ru")

empty = case().codename
real = case()
messages.to_applicant(real.case, "Ответ от программы", actor=user)
duress = []
for _ in range(count):
    s = case()
    six = s.codename.split()[:6]
    service.applicant_chose_duress(s.case, 1)
    duress.append(" ".join([*six, codenames.duress_words(tuple(six))[1]]))
print(json.dumps({"empty": empty, "real": real.codename, "duress": duress}))
"""

UNKNOWN = """
import django
django.setup()
from vault import codenames
for _ in range(int(__import__("sys").argv[1])):
    print(codenames.new_codename())
"""


class Client:
    """One keep-alive connection (reopened when the server closes it), cookies, CSRF token."""

    def __init__(self):
        self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        self.cookies: dict[str, str] = {}
        self.token = ""

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        headers = {
            "Host": f"127.0.0.1:{PORT}",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        body = None
        if form is not None:
            body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.token, **form})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://127.0.0.1:{PORT}"
            headers["Referer"] = f"http://127.0.0.1:{PORT}{path}"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
        if found:
            self.token = found.group(1)
        return response.status, text


# --- statistics, plain Python --------------------------------------------------------------------


def _ranks(values: list[float]) -> list[float]:
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def mann_whitney_u(a: list[float], b: list[float]) -> dict:
    """Two-sided Mann–Whitney U with the normal approximation and tie correction; also the
    common-language effect size P(a > b) (0.5: neither is slower)."""
    n1, n2 = len(a), len(b)
    ranks = _ranks(a + b)
    u1 = sum(ranks[:n1]) - n1 * (n1 + 1) / 2
    counts: dict[float, int] = {}
    for v in a + b:
        counts[v] = counts.get(v, 0) + 1
    n = n1 + n2
    ties = sum(t**3 - t for t in counts.values())
    sigma = math.sqrt(n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1))))
    z = (u1 - n1 * n2 / 2) / sigma if sigma else 0.0
    p = math.erfc(abs(z) / math.sqrt(2))
    return {"u": u1, "z": round(z, 3), "p": round(p, 4), "p_a_slower": round(u1 / (n1 * n2), 3)}


def permutation_test(a: list[float], b: list[float], rounds: int = 5000) -> float:
    """Two-sided p-value of the difference in means under random relabelling."""
    rng = random.Random(18)
    observed = abs(statistics.fmean(a) - statistics.fmean(b))
    pooled, n1, hits = a + b, len(a), 0
    for _ in range(rounds):
        rng.shuffle(pooled)
        if abs(statistics.fmean(pooled[:n1]) - statistics.fmean(pooled[n1:])) >= observed:
            hits += 1
    return round((hits + 1) / (rounds + 1), 4)


def describe(samples: list[float]) -> dict:
    ordered = sorted(samples)
    n = len(ordered)
    return {
        "n": n,
        "median_ms": round(statistics.median(ordered) * 1000, 3),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 3),
        "p10_ms": round(ordered[n // 10] * 1000, 3),
        "p90_ms": round(ordered[n * 9 // 10] * 1000, 3),
        "p99_ms": round(ordered[min(n - 1, n * 99 // 100)] * 1000, 3),
    }


# --- the run -------------------------------------------------------------------------------------


def setup(env: dict, samples: int) -> dict[str, list[str]]:
    corridor = str(ROOT / ".venv/bin/corridor")
    python = str(ROOT / ".venv/bin/python")
    subprocess.run([corridor, "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
    subprocess.run(
        [corridor, "keys", "init"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL
    )
    seeded = json.loads(
        subprocess.run(
            [python, "-c", SEED, str(samples)],
            env=env,
            check=True,
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout
    )
    unknown = subprocess.run(
        [python, "-c", UNKNOWN, str(samples)],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.split("\n")
    return {
        "unknown": [u for u in unknown if u][:samples],
        "empty": [seeded["empty"]] * samples,
        "real": [seeded["real"]] * samples,
        "duress": seeded["duress"],
    }


def measure(codenames: dict[str, list[str]]) -> tuple[dict[str, list[float]], dict]:
    client = Client()
    client.request("GET", "/portal/login/")
    plan = [(kind, text) for kind in KINDS for text in codenames[kind]]
    random.Random(10).shuffle(plan)
    timings: dict[str, list[float]] = {kind: [] for kind in KINDS}
    responses: dict[str, set] = {kind: set() for kind in KINDS}
    for kind, text in plan:
        start = time.perf_counter()
        status, _body = client.request("POST", "/portal/login/", {"codename": text})
        timings[kind].append(time.perf_counter() - start)
        responses[kind].add(status)
        client.request("GET", "/portal/login/")  # a fresh CSRF token, as a browser would have
    return timings, {kind: sorted(s) for kind, s in responses.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=400)
    samples = parser.parse_args().samples
    tmp = Path(tempfile.mkdtemp(prefix="corridor-bench-logins-"))
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="corridor.settings",
        DEBUG="false",
        CORRIDOR_KEY_DIR=str(tmp / "keys"),
        CORRIDOR_MEDIA_ROOT=str(tmp / "media"),
        CORRIDOR_PORTAL_SUBMISSIONS_PER_MINUTE="1000000",
        CORRIDOR_PORTAL_SESSION_SUBMISSIONS="1000000",
        CORRIDOR_PORTAL_LOGINS_PER_MINUTE="1000000",
        CORRIDOR_LOG_LEVEL="WARNING",
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    if not env.get("DATABASE_URL"):
        env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    codenames = setup(env, samples)
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "corridor.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "2",
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        for _ in range(100):
            if server.poll() is not None:
                raise SystemExit("gunicorn did not start")
            try:
                Client().request("GET", "/portal/")
                break
            except OSError:
                time.sleep(0.1)
        warm = Client()
        warm.request("GET", "/portal/login/")
        for _ in range(20):  # warm up both workers
            warm.request("POST", "/portal/login/", {"codename": codenames["empty"][0]})
            warm.request("GET", "/portal/login/")
        timings, statuses = measure(codenames)
        results = {
            "database": "postgresql" if env["DATABASE_URL"].startswith("postgres") else "sqlite",
            "server": "gunicorn, 2 sync workers; one client; no outbox worker running",
            "request": "POST /portal/login/ (well-formed codename)",
            "statuses": statuses,
            "kinds": {kind: describe(timings[kind]) for kind in KINDS},
            "against_unknown": {
                kind: {
                    "median_difference_ms": round(
                        (statistics.median(timings[kind]) - statistics.median(timings["unknown"]))
                        * 1000,
                        3,
                    ),
                    "mann_whitney": mann_whitney_u(timings[kind], timings["unknown"]),
                    "permutation_p": permutation_test(timings[kind], timings["unknown"]),
                }
                for kind in KINDS[1:]
            },
        }
        print(json.dumps(results, indent=2))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
