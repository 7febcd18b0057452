#!/usr/bin/env python3
"""Telegram updates per second through the real handler stack, printed as JSON.

    .venv/bin/python bench/telegram.py                   (SQLite in a temporary file)
    DATABASE_URL=postgres://... .venv/bin/python bench/telegram.py

One python-telegram-bot Application, as `corridor bot` runs it (one event loop, the dialog and
the ORM in asgiref's thread), fed recorded updates; the Bot API is a request class that answers
in memory (no network). Each chat sends /start, a button, a name, a wrong date and a right one:
per update the rate limit, the decryption and re-encryption of the dialog state, validation,
the deletion of both sides and the next question. Goal: >= 500 updates/s on this machine.
"""

import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This file is called telegram.py: keep its folder off the path, or it would shadow the
# python-telegram-bot package of the same name.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
sys.path.insert(0, str(ROOT))
CHATS = int(os.getenv("BENCH_CHATS", "300"))


BENCH_DB = "corridor_bench_telegram"  # its own throwaway database, created and dropped here


def _admin(admin_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql)


def main() -> None:
    from urllib.parse import urlsplit, urlunsplit

    work = tempfile.mkdtemp(prefix="corridor-bench-telegram-")
    given = os.environ.get("DATABASE_URL", "")
    postgres = given.startswith(("postgres://", "postgresql://"))
    if postgres:  # never the database DATABASE_URL names: a throwaway one beside it
        _admin(given, f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        _admin(given, f"CREATE DATABASE {BENCH_DB}")
        os.environ["DATABASE_URL"] = urlunsplit(urlsplit(given)._replace(path="/" + BENCH_DB))
    else:  # whatever DATABASE_URL says, SQLite runs only on a throwaway file
        os.environ["DATABASE_URL"] = f"sqlite:///{work}/bench.sqlite3"
    os.environ["CORRIDOR_KEY_DIR"] = f"{work}/keys"
    os.environ["DJANGO_SETTINGS_MODULE"] = "corridor.settings"
    os.environ["CORRIDOR_TELEGRAM_UPDATES_PER_MINUTE"] = "1000"
    import django

    django.setup()
    from django.core.management import call_command

    from vault import keys

    call_command("migrate", verbosity=0)
    keys.init_keys()
    from telegram import Update
    from telegram.request import BaseRequest

    from telegram_bot import bot, transport

    class Answering(BaseRequest):
        next_id = 10_000

        @property
        def read_timeout(self):
            return None

        async def initialize(self):
            return None

        async def shutdown(self):
            return None

        async def do_request(self, url, method, request_data=None, **timeouts):
            name = url.rsplit("/", 1)[1]
            result: object = True
            if name == "getMe":
                result = {"id": 1, "is_bot": True, "first_name": "Bot", "username": "b"}
            elif name == "sendMessage":
                Answering.next_id += 1
                chat = int(request_data.parameters["chat_id"])
                result = {"message_id": Answering.next_id, "date": 1700000000,
                          "chat": {"id": chat, "type": "private"}, "text": "q"}  # fmt: skip
            return 200, json.dumps({"ok": True, "result": result}).encode()

    transport.request_factory = Answering
    token = "123456789:" + "A" * 35

    def message(n, chat, text):
        user = {"id": chat, "is_bot": False, "first_name": "A", "language_code": "ru"}
        return {"update_id": n, "message": {
            "message_id": n, "date": 1700000000, "text": text,
            "chat": {"id": chat, "type": "private"}, "from": user}}  # fmt: skip

    def button(n, chat, data):
        return {"update_id": n, "callback_query": {
            "id": str(n), "chat_instance": "1", "data": data,
            "from": {"id": chat, "is_bot": False, "first_name": "A"},
            "message": {"message_id": Answering.next_id, "date": 1700000000,
                        "chat": {"id": chat, "type": "private"}}}}  # fmt: skip

    async def run() -> dict:
        application = bot.build_application(token)
        count, started = 0, 0.0
        async with application:
            started = time.perf_counter()
            n = 0
            for chat in range(1, CHATS + 1):
                steps = [
                    lambda n, c: message(n, c, "/start"),
                    lambda n, c: button(n, c, "a:serviceman"),
                    lambda n, c: message(n, c, "Иван Сидоренко"),
                    lambda n, c: message(n, c, "31.02.1990"),
                    lambda n, c: message(n, c, "02.03.1994"),
                ]
                for step in steps:
                    n += 1
                    data = step(n, 7_000_000 + chat)
                    await application.process_update(Update.de_json(data, application.bot))
                    count += 1
            elapsed = time.perf_counter() - started
        return {"updates": count, "seconds": round(elapsed, 3),
                "updates_per_second": round(count / elapsed, 1)}  # fmt: skip

    try:
        result = asyncio.run(run())
    finally:
        if postgres:
            from django.db import connections

            connections.close_all()
            _admin(given, f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    vendor = "postgresql" if postgres else "sqlite"
    print(json.dumps({"bench": "telegram", "database": vendor, "goal_per_second": 500, **result}))


if __name__ == "__main__":
    main()
