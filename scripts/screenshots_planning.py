#!/usr/bin/env python3
"""Screenshots of the planning pages (docs/planning.md): a throwaway demo database, a real
server, Debian's Chromium. Writes docs/screenshots/planning-*.png; touches nothing else.

    .venv/bin/python scripts/screenshots_planning.py
"""

import os
import re
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
import screenshots as base  # noqa: E402  (the README's script: server and login helpers)

OUT = base.OUT
# Its own port, so that it can run beside the README's script.
base.PORT = 8791
base.BASE = f"http://127.0.0.1:{base.PORT}"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="corridor-plan-shots-")
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{tmp}/demo.sqlite3",
        DJANGO_SETTINGS_MODULE="corridor.settings",
        CORRIDOR_KEY_DIR=f"{tmp}/keys",
        CORRIDOR_DEMO_LOGINS=f"{tmp}/demo-logins.json",
    )
    base.corridor("migrate", "-v", "0", env=env)
    base.corridor("keys", "init", env=env)
    demo = base.corridor("demo", env=env)
    # Throwaway database only: move the demo's portal case (whose codename the demo prints)
    # on to planning, so that its instruction can be shown in the portal inbox too.
    number = base.corridor(
        "shell",
        "-c",
        "from cases.models import Case; c = Case.objects.filter(channel='portal')"
        ".order_by('created_at').first(); Case.objects.filter(pk=c.pk)"
        ".update(status='planning', unverified=False); print(c.number)",
        env=env,
    ).split()[-1]
    codename = re.search(r"Demo codename with a staff reply waiting: (.+)$", demo, re.M).group(1)
    creds = {
        m[0]: (m[1], m[2].split())
        for m in re.findall(r"^\s+(\w+)\s+(\S+)\s+[A-Z2-7]{32}\s+(.+)$", demo, re.M)
    }
    server = subprocess.Popen(
        [str(base.ROOT / ".venv/bin/corridor"), "serve", f"127.0.0.1:{base.PORT}", "--noreload"],
        env=env,
        cwd=base.ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = base.BASE
    try:
        base.wait_for_server()
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium", headless=True, args=base.ARGS
            )

            def session(lang: str, width: int = 1200, height: int = 900):
                context = browser.new_context(viewport={"width": width, "height": height})
                context.add_cookies([{"name": "corridor_language", "value": lang, "url": url}])
                return context.new_page()

            def login(page, who: str) -> None:
                password, codes = creds[who]
                page.goto(url + "/login/")
                page.fill("#id_username", who)
                page.fill("#id_password", password)
                page.fill("#id_code", codes.pop(0))
                page.click("button.primary")
                page.wait_for_url(url + "/")

            page = session("en")
            login(page, "officer")
            page.goto(f"{url}/planning/cases/{number}/plan/")
            kyiv = ZoneInfo("Europe/Kyiv")
            start = (datetime.now(kyiv) + timedelta(days=1)).replace(
                hour=5, minute=30, second=0, microsecond=0
            )
            page.select_option("#id_procedure", "drone_escort")
            page.fill("#id_point", "37U DP 26193 82919")
            page.fill("#id_point_description", "разрушенная водонапорная башня у дороги")
            # a window too short, to show the error naming the field
            page.fill("#id_window_start", start.strftime("%Y-%m-%dT%H:%M"))
            page.fill("#id_window_end", (start + timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M"))
            page.fill("#id_fallback_start", (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
            page.fill(
                "#id_fallback_end",
                (start + timedelta(hours=2, minutes=40)).strftime("%Y-%m-%dT%H:%M"),
            )
            page.fill("#id_signal", "белая повязка на левой руке")
            page.fill("#id_code_word", "Ромашка")
            page.select_option("#id_field_unit", label="Польовий підрозділ 1")  # cases/demo.py
            page.uncheck("#id_family_first")
            page.click("button.primary")
            page.screenshot(path=OUT / "planning-plan-error.png", full_page=True)
            page.fill("#id_window_end", (start + timedelta(minutes=40)).strftime("%Y-%m-%dT%H:%M"))
            page.click("button.primary")
            page.screenshot(path=OUT / "planning-plan.png", full_page=True)
            page.goto(f"{url}/planning/cases/{number}/instructions/")
            page.click("button.primary")
            page.screenshot(path=OUT / "planning-instruction-pending.png", full_page=True)
            page = session("en")
            login(page, "supervisor")
            page.goto(f"{url}/planning/cases/{number}/instructions/")
            page.click("button.primary")
            page.screenshot(path=OUT / "planning-instruction-released.png", full_page=True)
            page = session("en")
            login(page, "officer")
            page.goto(f"{url}/cases/{number}/")
            # A refused step is disabled, its reason beside it (cases.states.refusal).
            page.screenshot(path=OUT / "planning-case-refused.png")
            page.goto(f"{url}/planning/cases/{number}/instructions/")
            page.click("button:has-text('Seal the escort task')")
            page.goto(f"{url}/cases/{number}/")
            page.click("button:has-text('Schedule the exit')")
            page.screenshot(path=OUT / "planning-case-scheduled.png")
            phone = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
            phone.add_cookies([{"name": "corridor_language", "value": "en", "url": url}])
            field = phone.new_page()
            login(field, "field")
            field.click("text=Field console")
            field.screenshot(path=OUT / "planning-field-list.png", full_page=True)
            field.click("h2 a")
            field.screenshot(path=OUT / "planning-field-task.png", full_page=True)
            field.goto(url + "/planning/field/sighting/")
            field.screenshot(path=OUT / "planning-field-sighting.png", full_page=True)
            portal = browser.new_context(
                java_script_enabled=False, viewport={"width": 420, "height": 860}
            ).new_page()
            portal.goto(url + "/portal/login/")
            portal.fill("input[name=codename]", codename)
            portal.click("button.primary")
            portal.screenshot(path=OUT / "planning-portal-instruction.png", full_page=True)
            code = re.search(r"\d{3}-\d{3}", portal.inner_text("article.operational")).group(0)
            portal.goto(url + "/portal/inbox/check-code/")
            portal.fill("#code", code)
            portal.click("button.primary")
            portal.screenshot(path=OUT / "planning-portal-check-code.png", full_page=True)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"screenshots written to {OUT.relative_to(base.ROOT)}/")


if __name__ == "__main__":
    main()
