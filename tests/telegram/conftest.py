"""Drive the real python-telegram-bot Application with recorded updates
(tests/telegram/fixtures/*.json) and a request class that records every Bot API call and
answers it the way Telegram does. Nothing touches the network."""

import copy
import json
from pathlib import Path

import pytest
from telegram.request import BaseRequest

from telegram_bot import bot, transport

FIXTURES = Path(__file__).parent / "fixtures"
TOKEN = "123456789:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
CHAT = 445566778


class RecordingRequest(BaseRequest):
    """Records (method, parameters) of each call; sendMessage gets increasing message ids.
    ``state["fail"] = {method: n}`` makes the next n calls of a method fail as in an outage."""

    def __init__(self, log: list, state: dict):
        self.log, self.state = log, state

    @property
    def read_timeout(self):
        return None

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(self, url, method, request_data=None, **timeouts):
        name = url.rsplit("/", 1)[1]
        params = request_data.json_parameters if request_data else {}
        params = {k: _decode(v) for k, v in params.items()}
        if name != "getMe":
            self.log.append((name, params))
        failing = self.state.get("fail", {})
        if failing.get(name):
            failing[name] -= 1
            return 502, b'{"ok": false, "error_code": 502, "description": "Bad Gateway"}'
        if name == "getUpdates":  # polling: the queued updates once, then nothing
            result, self.state["updates"] = self.state.get("updates", []), []
        elif name == "getMe":
            result = {"id": 1, "is_bot": True, "first_name": "Bot", "username": "corridor_bot"}
        elif name == "sendMessage":
            self.state["next_id"] = self.state.get("next_id", 5000) + 1
            result = {
                "message_id": self.state["next_id"],
                "date": 1700000000,
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "text": params.get("text", ""),
            }
        else:
            result = True
        return 200, json.dumps({"ok": True, "result": result}).encode()


def _decode(value):
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        return value


class Telegram:
    """The fake Telegram side of a test: updates in, recorded calls out."""

    def __init__(self):
        self.calls: list = []
        self.state: dict = {}
        self.update_id = 1000
        self.message_id = 100

    def request(self):
        return RecordingRequest(self.calls, self.state)

    def update(self, name: str, **changes) -> dict:
        data = copy.deepcopy(json.loads((FIXTURES / f"{name}.json").read_text()))
        self.update_id += 1
        self.message_id += 1
        data["update_id"] = self.update_id
        message = data.get("message") or (data.get("callback_query") or {}).get("message")
        if "message" in data:
            data["message"]["message_id"] = self.message_id
        for key, value in changes.items():
            if key == "text":
                data["message"]["text"] = value
            elif key == "data":
                data["callback_query"]["data"] = value
            elif key == "on_message":
                message["message_id"] = value
            elif key == "chat":
                message["chat"]["id"] = value
            elif key == "language":
                (data.get("message") or data["callback_query"])["from"]["language_code"] = value
        return data

    def send(self, *updates: dict) -> list:
        start = len(self.calls)
        bot.process(list(updates), token=TOKEN)
        return self.calls[start:]

    def say(self, text: str, **changes) -> list:
        return self.send(self.update("text", text=text, **changes))

    def press(self, data: str, on_message: int, **changes) -> list:
        return self.send(self.update("button", data=data, on_message=on_message, **changes))

    def sent(self, calls=None) -> list:
        return [p for name, p in (self.calls if calls is None else calls) if name == "sendMessage"]

    def deleted(self, calls=None) -> set:
        return {
            i
            for name, p in (self.calls if calls is None else calls)
            if name == "deleteMessages"
            for i in p["message_ids"]
        }

    def last_question_id(self) -> int:
        return self.state["next_id"]


@pytest.fixture
def telegram(monkeypatch, settings):
    fake = Telegram()
    monkeypatch.setattr(transport, "request_factory", fake.request)
    settings.TELEGRAM_BOT_TOKEN = TOKEN
    return fake


def run_outbox(now=None) -> int:
    """Run every outbox row that is due, as `corridor worker` does; returns how many ran."""
    from django_tasks_db.models import DBTaskResult

    from corridor import outbox

    ran = 0
    for result in DBTaskResult.objects.ready():
        result.claim("test-worker")
        outbox.run(result)
        ran += 1
    return ran
