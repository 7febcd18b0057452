"""Floods, odd updates, group chats, the webhook's checks and the bot command's token."""

import json

import pytest
from django.core.management import CommandError, call_command

from cases.models import Case
from telegram_bot import chats
from telegram_bot.models import Chat
from tests.telegram.conftest import CHAT

pytestmark = pytest.mark.django_db


def test_a_chat_over_its_rate_limit_is_ignored(telegram, programme, settings):
    settings.CORRIDOR_TELEGRAM_UPDATES_PER_MINUTE = 3
    for _ in range(3):
        telegram.say("/help")
    assert telegram.say("/help") == []  # nothing decrypted, nothing sent
    # Another chat is not affected; the bucket is keyed by the lookup hash, not the chat id.
    assert telegram.say("/help", chat=CHAT + 1)
    assert all(len(bytes(lookup)) == 32 for lookup in Chat.objects.values_list("lookup", flat=True))


def test_start_and_cancel_in_turn_do_not_refill_the_bucket(telegram, programme, settings):
    settings.CORRIDOR_TELEGRAM_UPDATES_PER_MINUTE = 4
    telegram.say("/start")
    telegram.say("/cancel")
    telegram.say("/start")
    telegram.say("/cancel")
    assert telegram.say("/start") == []


def test_a_start_flood_creates_no_cases(telegram, programme):
    for _ in range(10):
        telegram.say("/start")
    assert not Case.objects.exists()
    assert Chat.objects.count() == 1


def test_an_overlong_answer_is_refused_kindly(telegram, programme):
    telegram.say("/start")
    telegram.press("a:serviceman", telegram.state["next_id"])
    calls = telegram.say("x" * 2500)
    assert telegram.sent(calls)[-1]["text"] == (
        "This answer is too long. Shorten it. Then send your answer again."
    )


def test_stickers_files_and_edits_are_ignored_safely(telegram, programme):
    telegram.say("/start")
    calls = telegram.send(telegram.update("sticker"), telegram.update("edited"))
    assert telegram.sent(calls) == []
    assert not Case.objects.exists()


def test_the_bot_leaves_group_chats(telegram, programme):
    calls = telegram.send(telegram.update("group"), telegram.update("added_to_group"))
    assert [name for name, _p in calls] == ["leaveChat", "leaveChat"]
    assert not Chat.objects.exists()


def test_no_chat_id_is_stored_in_clear(telegram, programme):
    telegram.say("/start")
    row = Chat.objects.get()
    for stored in (bytes(row.lookup), bytes(row.state)):
        assert str(CHAT).encode() not in stored
    assert len(bytes(row.lookup)) == 32  # full length, not a truncated index


SECRET = "s3cret-token-0123456789-abcdefghijklmnop"


def _post(client, body, secret=SECRET):
    return client.post(
        "/telegram/webhook/",
        data=body if isinstance(body, str | bytes) else json.dumps(body),
        content_type="application/json",
        headers={"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {},
    )


@pytest.fixture
def webhook(settings, telegram):
    settings.TELEGRAM_WEBHOOK_SECRET = "s3cret-token-0123456789-abcdefghijklmnop"
    return telegram


def test_the_webhook_refuses_a_wrong_secret(client, webhook, programme):
    assert _post(client, webhook.update("text"), secret="wrong").status_code == 403
    assert _post(client, webhook.update("text"), secret=None).status_code == 403
    assert webhook.calls == []


def test_the_webhook_does_not_exist_without_a_secret(client, telegram, settings, programme):
    settings.TELEGRAM_WEBHOOK_SECRET = None
    assert _post(client, telegram.update("text")).status_code == 404


def test_the_webhook_answers_unknown_payloads_with_200(client, webhook, programme):
    bodies = [
        "not json",
        b"\xff\xfe",
        {"update_id": 1},
        {"update_id": 1, "poll": {}},
        {"update_id": "x", "message": {}},
        {"update_id": 2, "message": {"text": 5}},
    ]
    for body in bodies:
        assert _post(client, body).status_code == 200
    assert webhook.calls == []


def test_the_webhook_runs_an_update_through_the_bot(client, webhook, programme):
    response = _post(client, webhook.update("text", text="/start"))
    assert response.status_code == 200
    assert webhook.sent()[-1]["text"].startswith("Who is writing?")


def test_the_webhook_needs_no_login_and_no_csrf(client, webhook, programme):
    client.logout()
    assert _post(client, webhook.update("text", text="/help")).status_code == 200


def test_the_bot_command_says_clearly_when_the_token_is_missing(settings, tmp_path):
    settings.TELEGRAM_BOT_TOKEN = None
    settings.CORRIDOR_KEY_DIR = str(tmp_path)
    with pytest.raises(CommandError, match="TELEGRAM_BOT_TOKEN"):
        call_command("bot")


def test_the_token_may_come_from_the_key_directory(settings, tmp_path):
    from telegram_bot.token import bot_token

    settings.TELEGRAM_BOT_TOKEN = None
    settings.CORRIDOR_KEY_DIR = str(tmp_path)
    (tmp_path / "telegram.token").write_text("123456789:" + "B" * 35 + "\n")
    assert bot_token() == "123456789:" + "B" * 35


def test_an_abandoned_dialog_is_purged_with_its_answers(telegram, programme):
    from datetime import timedelta

    from django.utils import timezone

    telegram.say("/start")
    telegram.press("a:serviceman", telegram.state["next_id"])
    Chat.objects.update(updated_at=timezone.now() - timedelta(days=8))
    call_command("telegram", "purge")
    assert not Chat.objects.exists()


def test_the_purge_keeps_chats_linked_to_a_case(telegram, programme):
    from datetime import timedelta

    from django.utils import timezone

    from tests.telegram.test_conversation import answer_everything

    telegram.say("/start")
    answer_everything(telegram)
    Chat.objects.update(updated_at=timezone.now() - timedelta(days=30))
    call_command("telegram", "purge")
    row = Chat.objects.get()
    assert row.has_case
    assert chats.open_state(chats.load(CHAT, row.lookup)).case_id == str(Case.objects.get().pk)


def test_a_webhook_secret_telegram_would_refuse_stops_the_start(settings):
    from telegram_bot.checks import webhook_secret

    settings.TELEGRAM_WEBHOOK_SECRET = "short"
    assert [e.id for e in webhook_secret(None)] == ["telegram_bot.E001"]
    settings.TELEGRAM_WEBHOOK_SECRET = "x" * 40
    assert webhook_secret(None) == []


def test_the_webhook_asks_for_a_retry_when_telegram_is_unreachable(client, webhook, programme):
    webhook.state["fail"] = {"getMe": 1}
    assert _post(client, webhook.update("text", text="/help")).status_code == 503


def test_telegram_and_httpx_logs_carry_no_update_and_no_token():
    """An httpx request line holds the bot token, a PTB record may hold an update: warnings
    only, and their arguments and exception text dropped before any handler writes them."""
    import logging

    from django.conf import settings as django_settings

    from telegram_bot.logs import DropArguments

    loggers = django_settings.LOGGING["loggers"]
    assert loggers["httpx"]["level"] == "WARNING" and loggers["telegram"]["level"] == "WARNING"
    handler = django_settings.LOGGING["handlers"][loggers["telegram"]["handlers"][0]]
    assert "no_arguments" in handler["filters"]
    try:
        raise ValueError(f"chat {CHAT} said something")
    except ValueError:
        import sys

        record = logging.LogRecord(
            "telegram.ext.Application", logging.ERROR, "x", 1, "update %s failed",
            ({"chat": CHAT, "text": "Kuzminov"},), sys.exc_info(),
        )  # fmt: skip
    DropArguments().filter(record)
    text = logging.Formatter().format(record)
    assert str(CHAT) not in text and "Kuzminov" not in text and "ValueError" in text
