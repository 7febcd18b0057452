#!/usr/bin/env python3
"""Take the README's screenshots: a throwaway demo database, a real server, Debian's Chromium.

    .venv/bin/python scripts/screenshots.py        (or: make screenshots)

Writes PNG files to docs/screenshots/. Touches nothing else.
"""

import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def corridor(*args: str, env: dict) -> str:
    result = subprocess.run(
        [str(ROOT / ".venv/bin/corridor"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def wait_for_server() -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(BASE + "/login/", timeout=1)  # noqa: S310 (loopback only)
            return
        except OSError:
            time.sleep(0.1)
    sys.exit("server did not start")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="corridor-shots-")
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{tmp}/demo.sqlite3",
        DJANGO_SETTINGS_MODULE="corridor.settings",
    )
    env["CORRIDOR_KEY_DIR"] = f"{tmp}/keys"
    env["CORRIDOR_DEMO_LOGINS"] = f"{tmp}/demo-logins.json"
    corridor("migrate", "-v", "0", env=env)
    corridor("keys", "init", env=env)
    demo = corridor("demo", env=env)
    creds = {
        m[0]: (m[1], m[2].split())
        for m in re.findall(r"^\s+(\w+)\s+(\S+)\s+[A-Z2-7]{32}\s+(.+)$", demo, re.M)
    }
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/corridor"), "serve", f"127.0.0.1:{PORT}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_server()
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium", headless=True, args=ARGS
            )

            def session(lang: str):
                context = browser.new_context(viewport={"width": 1200, "height": 760})
                context.add_cookies([{"name": "corridor_language", "value": lang, "url": BASE}])
                return context.new_page()

            def login(page, who: str) -> None:
                password, codes = creds[who]
                page.goto(BASE + "/login/")
                page.fill("#id_username", who)
                page.fill("#id_password", password)
                page.fill("#id_code", codes.pop(0))
                page.click("button.primary")
                page.wait_for_url(BASE + "/")

            page = session("uk")
            page.goto(BASE + "/login/")
            page.screenshot(path=OUT / "login-uk.png")
            page = session("en")
            login(page, "supervisor")
            page.screenshot(path=OUT / "dashboard-supervisor.png")
            page.goto(BASE + "/cases/")
            page.click("table.list a >> nth=-1")
            page.screenshot(path=OUT / "case-page.png", full_page=True)
            page = session("en")
            login(page, "admin")
            page.goto(BASE + "/staff/")
            page.screenshot(path=OUT / "staff-admin.png", full_page=True)
            page = session("en")
            login(page, "auditor")
            page.goto(BASE + "/audit/?verify=1")
            page.screenshot(path=OUT / "audit-log.png")
            # The applicant portal as Tor Browser "Safest" shows it: no JavaScript, Russian.
            portal = browser.new_context(
                java_script_enabled=False, locale="en-US", viewport={"width": 420, "height": 860}
            ).new_page()
            portal.goto(BASE + "/portal/")
            portal.screenshot(path=OUT / "portal-home.png", full_page=True)
            portal.click("a.button.primary")
            portal.check('input[name="answer"][value="serviceman"]')
            portal.click('button[value="next"]')
            portal.screenshot(path=OUT / "portal-question.png")
            for _ in range(30):
                if portal.locator("table.review").count():
                    break
                portal.click('button[value="next"]')
            portal.click('form[action$="/apply/send/"] button')
            portal.screenshot(path=OUT / "portal-codename.png", full_page=True)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"screenshots written to {OUT.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()
