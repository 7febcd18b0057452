"""Outbox tasks of the bot, run by `corridor worker`. Each takes ONE argument: a payload sealed
to the workers' delivery key (vault/delivery.py); the chat id, the text and the case id are
inside it, never in the row in clear.

Exactly once, as far as Telegram allows: Telegram has no idempotency key, so the worker records
the sent message id **at once**, in its own transaction, and a delivery already recorded is
never sent again (a retried or re-run row finds it sent). The one window left: the worker dies
after Telegram accepted the message and before the record is committed; the row is then run
again and the applicant gets the message twice. tests/telegram/test_delivery.py shows both.

Retries: a network error or Telegram's "retry after" queues the same sealed payload again with
``run_after`` (backoff 30 s, 2 min, 8 min, … up to ``CORRIDOR_TELEGRAM_ATTEMPTS`` attempts); the
failed row itself completes and is deleted. After the last attempt the delivery is marked failed
and nothing of its payload remains.
"""

import logging
from datetime import timedelta

from asgiref.sync import async_to_sync
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from cases.models import Case
from telegram_bot import transport
from telegram_bot.models import Chat, Delivery
from telegram_bot.token import bot_token
from vault.delivery import open_for_worker, seal_for_worker
from vault.telegram import open_chat

log = logging.getLogger(__name__)


def backoff(attempt: int) -> timedelta:
    return timedelta(seconds=30 * 4 ** max(0, attempt - 1))


async def _send(chat_id: int, text: str) -> int:
    async with Bot(bot_token(), request=transport.request_factory()) as telegram:
        message = await telegram.send_message(
            chat_id, text, protect_content=True, disable_notification=True
        )
        return message.message_id


async def _delete(chat_id: int, ids: list[int]) -> None:
    async with Bot(bot_token(), request=transport.request_factory()) as telegram:
        for start in range(0, len(ids), 100):
            try:
                await telegram.delete_messages(chat_id, ids[start : start + 100])
            except BadRequest:
                pass  # already deleted, or past the 48 hours


def notice_text(language: str) -> str:
    with translation.override(language):
        return _("You have a new message. Open the portal with your codename or call the hotline.")


@task()
def deliver(sealed: str) -> None:
    payload = open_for_worker(sealed)
    delivery = Delivery.objects.filter(pk=payload["delivery"]).first()
    if delivery is None or delivery.status != Delivery.Status.QUEUED:
        return  # already sent (or given up): never twice
    case = Case.objects.filter(pk=payload["case"]).first()
    row = Chat.objects.filter(case_id=payload["case"]).exclude(sealed_chat=None).first()
    if case is None or row is None or case.duress:
        Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.NO_CHAT)
        return
    chat_id = open_chat(row.sealed_chat)
    if payload["kind"] == Delivery.Kind.REPLY and payload.get("text"):
        text = payload["text"]
    else:
        text = notice_text(case.language)
    attempts = delivery.attempts + 1
    try:
        message_id = async_to_sync(_send)(chat_id, text)
    except (BadRequest, Forbidden) as error:  # blocked the bot, deleted the chat: permanent
        log.warning("telegram delivery %s failed: %s", delivery.pk, type(error).__name__)
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.FAILED, attempts=attempts
        )
        return
    except (RetryAfter, NetworkError) as error:
        _retry(delivery, sealed, attempts, error)
        return
    record_sent(delivery.pk, message_id, attempts)
    from telegram_bot.delivery import delete_later

    delete_later(chat_id, [message_id], seconds=settings.CORRIDOR_TELEGRAM_REPLY_SECONDS)


def record_sent(delivery_id, message_id: int, attempts: int) -> None:
    """Committed on its own, straight after Telegram accepted the message."""
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery_id).update(
            status=Delivery.Status.SENT,
            telegram_message_id=message_id,
            sent_at=timezone.now(),
            attempts=attempts,
        )


def _retry(delivery: Delivery, sealed: str, attempts: int, error: Exception) -> None:
    log.warning("telegram delivery %s: attempt %d failed", delivery.pk, attempts)
    if attempts >= settings.CORRIDOR_TELEGRAM_ATTEMPTS:
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.FAILED, attempts=attempts
        )
        return
    wait = backoff(attempts)
    if isinstance(error, RetryAfter):
        retry_after = error.retry_after
        seconds = (
            retry_after.total_seconds() if hasattr(retry_after, "total_seconds") else retry_after
        )
        wait = max(wait, timedelta(seconds=float(seconds)))
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(attempts=attempts)
        deliver.using(run_after=timezone.now() + wait).enqueue(sealed)


@task()
def delete_messages(sealed: str) -> None:
    """Delete messages of a chat (the codename hand-over, replies, short answers)."""
    payload = open_for_worker(sealed)
    ids = [int(i) for i in payload.get("ids", [])]
    if ids:
        try:
            async_to_sync(_delete)(int(payload["chat"]), ids)
        except (RetryAfter, NetworkError):
            tries = int(payload.get("try", 0)) + 1
            if tries < settings.CORRIDOR_TELEGRAM_ATTEMPTS:  # past 48 hours it is too late
                again = seal_for_worker({**payload, "try": tries})
                when = timezone.now() + backoff(tries)
                delete_messages.using(run_after=when).enqueue(again)
