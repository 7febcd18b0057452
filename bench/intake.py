#!/usr/bin/env python3
"""Intake throughput against a real server process, printed as JSON.

    .venv/bin/python bench/intake.py                     (SQLite in a temporary file)
    DATABASE_URL=postgres://... .venv/bin/python bench/intake.py
    .venv/bin/python bench/intake.py --sealing-only      (the two sealing-step runs alone)

Starts gunicorn (2 sync workers: this machine has 2 cores) on 127.0.0.1 with a throwaway key
directory and database, then measures with a load client in this process:
* the sealing step: a complete answer set in the portal session -> encrypted case and the
  codename page (one POST), sequential and with 8 concurrent clients;
* a whole application through every portal step, sequential and with 8 clients;
* a login flood from 4 clients while 2 others apply: how the others fare;
* the largest portal page in bytes.
Only loopback traffic; every loop is bounded in count and time.
"""

import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PORT = _free_port()
ANSWERS = {"who": "serviceman", "name": "Иван Сидоренко", "born": "02.03.1994",
           "rank": "рядовой", "unit": "в/ч 00000", "situation": "front", "area": "Бахмут",
           "phone": "+7 900 000-00-01", "equipment": "tank_or_spg", "family": "жена, двое детей",
           "outcome": "third_country", "notes": "Хочу жить."}  # fmt: skip


class Client:
    """A minimal browser: one keep-alive connection, cookies, CSRF token."""

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
            form = {"csrfmiddlewaretoken": self.token, **form}
            body = urllib.parse.urlencode(form)
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


def fill_answers(client: Client) -> int:
    """Walk every question of the portal with a made-up person; return the requests made."""
    person = dict(
        ANSWERS, name=f"Иван {secrets.token_hex(4)}", phone=f"+7 9{secrets.randbelow(10**9):09d}"
    )
    status, text = client.request("GET", "/portal/apply/")
    requests = 1
    seen = set()
    for _ in range(40):
        qid = re.search(r'data-question="([a-z_]+)"', text)
        if qid is None:
            break
        if qid.group(1) in seen:
            raise RuntimeError(f"answer to {qid.group(1)} refused")
        seen.add(qid.group(1))
        status, text = client.request(
            "POST", "/portal/apply/", {"answer": person.get(qid.group(1), ""), "action": "next"}
        )
        requests += 1
        if status != 200:
            raise RuntimeError(f"answer refused: {status}")
    return requests


def send(client: Client) -> None:
    status, text = client.request("POST", "/portal/apply/send/", {})
    if status != 200 or 'class="codename"' not in text:
        raise RuntimeError(f"send failed: {status}")


def summarise(samples: list[float], errors: int, wall: float) -> dict:
    samples = sorted(samples)
    n = len(samples)
    if not n:
        return {"ok": 0, "errors": errors}
    return {
        "ok": n,
        "errors": errors,
        "per_second": round(n / wall, 1),
        "p50_ms": round(samples[n // 2] * 1000, 2),
        "p99_ms": round(samples[min(n - 1, int(n * 0.99))] * 1000, 2),
    }


def run_clients(clients: int, per_client: int, work) -> dict:
    samples, errors, lock = [], [0], threading.Lock()

    def worker():
        for _ in range(per_client):
            try:
                elapsed = work()
            except Exception:  # noqa: BLE001  (count every failure as an error)
                with lock:
                    errors[0] += 1
                continue
            with lock:
                samples.append(elapsed)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    return summarise(samples, errors[0], time.perf_counter() - start)


def sealing_steps(clients: int, total: int) -> dict:
    """Fill ``total`` portal sessions first, then time only the send that seals each one."""
    filled = []
    for _ in range(total):
        client = Client()
        fill_answers(client)
        filled.append(client)
    queue, lock = list(filled), threading.Lock()

    def one() -> float:
        with lock:
            client = queue.pop()
        start = time.perf_counter()
        send(client)
        return time.perf_counter() - start

    return run_clients(clients, total // clients, one)


def whole_application() -> float:
    start = time.perf_counter()
    client = Client()
    fill_answers(client)
    send(client)
    return time.perf_counter() - start


def flood(stop: threading.Event, counts: dict) -> None:
    client = Client()
    client.request("GET", "/portal/login/")
    words = ["abacus", "abdomen", "abdominal", "abide", "abiding", "ability", "ablaze"]
    while not stop.is_set():
        status, _ = client.request("POST", "/portal/login/", {"codename": " ".join(words)})
        counts[status] = counts.get(status, 0) + 1


def largest_page() -> dict:
    client = Client()
    sizes = {}
    for path in ["/portal/", "/portal/login/", "/portal/apply/"] + [
        f"/portal/p/{s}/"
        for s in ("offer", "rights", "after", "drone", "genuine", "safety", "rewards")
    ]:
        for language in ("ru", "uk", "en"):
            client.cookies["corridor_language"] = language
            _status, text = client.request("GET", path)
            sizes[f"{path} {language}"] = len(text.encode())
    worst = max(sizes, key=sizes.get)
    return {"page": worst, "bytes": sizes[worst]}


def setup(env: dict) -> None:
    corridor = str(ROOT / ".venv/bin/corridor")
    subprocess.run([corridor, "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
    subprocess.run(
        [corridor, "keys", "init"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL
    )
    script = (
        "from accounts import actions; from accounts.models import Team; from vault import teams;"
        "t = Team.objects.get_or_create(name='Intake', kind='intake')[0];"
        "u, p = actions.create_staff_user(actor=None, username='op', roles=['operator'],"
        " teams=[t]);"
        "teams.create_first_key(t, holders=[u])"
    )
    subprocess.run([corridor, "shell", "-c", script], env=env, check=True, cwd=ROOT)


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="corridor-bench-intake-"))
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="corridor.settings",
        DEBUG="false",
        CORRIDOR_KEY_DIR=str(tmp / "keys"),
        CORRIDOR_MEDIA_ROOT=str(tmp / "media"),
        CORRIDOR_PORTAL_SUBMISSIONS_PER_MINUTE="100000",
        CORRIDOR_PORTAL_SESSION_SUBMISSIONS="100",
        CORRIDOR_PORTAL_LOGINS_PER_MINUTE=os.getenv("BENCH_LOGINS_PER_MINUTE", "6000"),
        CORRIDOR_LOG_LEVEL="WARNING",
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    if not env.get("DATABASE_URL"):
        env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    setup(env)
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
            "--keep-alive",
            "30",
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
        for _ in range(5):  # warm up both workers
            whole_application()
        results = {
            "database": "postgresql" if env["DATABASE_URL"].startswith("postgres") else "sqlite",
            "server": "gunicorn, 2 sync workers",
        }
        results["sealing_step_sequential"] = sealing_steps(1, 200)
        results["sealing_step_8_clients"] = sealing_steps(8, 320)
        if "--sealing-only" in sys.argv[1:]:
            print(json.dumps(results, indent=2))
            return
        results["whole_application_sequential"] = run_clients(1, 60, whole_application)
        results["whole_application_8_clients"] = run_clients(8, 15, whole_application)
        stop, counts = threading.Event(), {}
        flooders = [threading.Thread(target=flood, args=(stop, counts)) for _ in range(4)]
        for f in flooders:
            f.start()
        during = run_clients(2, 15, whole_application)
        stop.set()
        for f in flooders:
            f.join(timeout=30)
        results["applications_during_login_flood"] = {**during, "flood_responses": counts}
        results["largest_portal_page"] = largest_page()
        print(json.dumps(results, indent=2))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
