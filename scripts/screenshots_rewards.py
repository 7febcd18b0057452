#!/usr/bin/env python3
"""Screenshots of the reward pages (docs/rewards.md): a throwaway demo database, a real server,
Debian's Chromium. Writes docs/screenshots/rewards-*.png; touches nothing else.

    .venv/bin/python scripts/screenshots_rewards.py
"""

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
import screenshots as base  # noqa: E402  (the README's script: server and login helpers)

OUT = base.OUT
base.PORT = 8793  # its own port, so that it can run beside the other scripts
base.BASE = f"http://127.0.0.1:{base.PORT}"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="corridor-rewards-shots-")
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
            context = browser.new_context(viewport={"width": 1200, "height": 900})
            context.add_cookies([{"name": "corridor_language", "value": "en", "url": url}])
            page = context.new_page()
            password, codes = creds["finance"]
            page.goto(url + "/login/")
            page.fill("#id_username", "finance")
            page.fill("#id_password", password)
            page.fill("#id_code", codes.pop(0))
            page.click("button.primary")
            page.wait_for_url(url + "/")
            page.goto(f"{url}/rewards/")
            page.screenshot(path=OUT / "rewards-list.png", full_page=True)
            page.locator("a[href*='/rewards/items/']").first.click()
            page.wait_for_load_state("load")
            page.screenshot(path=OUT / "rewards-item.png", full_page=True)
            page.goto(f"{url}/rewards/report/")
            page.screenshot(path=OUT / "rewards-report.png", full_page=True)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"screenshots written to {OUT.relative_to(base.ROOT)}/")


if __name__ == "__main__":
    main()
