"""Outbox work of the bot, run by `corridor worker` through corridor/outbox.py: its kinds
``telegram_deliver`` (``send_delivery``) and ``telegram_delete`` (``delete_messages``) are in
the outbox's ``HANDLERS``; the payload (chat id, text, case id) is sealed inside the one
``deliver`` row, never in the row in clear.

Exactly once, as far as Telegram allows: Telegram has no idempotency key, so the handler
records the sent message id straight after the send, **inside the row's transaction** (the
record and the row's deletion commit together), and a delivery already recorded is never sent
again (a row run twice, e.g. by a worker whose lease ran out, finds it sent). The one window
left: the worker dies after Telegram accepted the message and before that commit; the row is
then run again after the lease and the applicant gets the message twice.
tests/telegram/test_delivery.py shows both (docs/threat-model.md, item 21).

Retries: a network error or Telegram's "retry after" queues the same sealed payload again with
``run_after`` (backoff 30 s, 2 min, 8 min, … up to ``CORRIDOR_TELEGRAM_ATTEMPTS`` attempts) in
the row's transaction; the failed row itself completes and is deleted. After the last attempt
the delivery is marked failed and nothing of its payload remains.
"""

import logging
from datetime import timedelta

from asgiref.sync import async_to_sync
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from cases.models import Case
from corridor.outbox import enqueue
from telegram_bot import transport
from telegram_bot.models import CaseChat, Delivery
from telegram_bot.token import bot_token
from vault.records import clear_time
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


def send_delivery(*, delivery: str, case: str, what: str, text: str | None = None) -> None:
    """A staff reply or a notice to the case's chat, at most once per delivery."""
    found = Delivery.objects.filter(pk=delivery).first()
    if found is None or found.status != Delivery.Status.QUEUED:
        return  # already sent (or given up): never twice
    the_case = Case.objects.filter(pk=case).first()
    row = CaseChat.objects.filter(case_id=case).first()
    if the_case is None or row is None or the_case.duress or the_case.purged_at is not None:
        Delivery.objects.filter(pk=found.pk).update(status=Delivery.Status.NO_CHAT)
        return
    chat_id = open_chat(row.sealed_chat)
    if what == Delivery.Kind.REPLY and text:
        message = text
    else:
        message = notice_text(the_case.language)
    attempts = found.attempts + 1
    try:
        message_id = async_to_sync(_send)(chat_id, message)
    except (BadRequest, Forbidden) as error:  # blocked the bot, deleted the chat: permanent
        log.warning("telegram delivery %s failed: %s", found.pk, type(error).__name__)
        Delivery.objects.filter(pk=found.pk).update(
            status=Delivery.Status.FAILED, attempts=attempts
        )
        return
    except (RetryAfter, NetworkError) as error:
        payload = {"delivery": delivery, "case": case, "what": what, "text": text}
        _retry(found, payload, attempts, error)
        return
    record_sent(found.pk, message_id, attempts, sent_at=clear_time(the_case))
    from telegram_bot.delivery import delete_later

    delete_later(chat_id, [message_id], seconds=settings.CORRIDOR_TELEGRAM_REPLY_SECONDS)


def record_sent(delivery_id, message_id: int, attempts: int, *, sent_at) -> None:
    """Straight after Telegram accepted the message, in the outbox row's transaction: the
    record and the row's deletion commit together."""
    Delivery.objects.filter(pk=delivery_id).update(
        status=Delivery.Status.SENT,
        telegram_message_id=message_id,
        sent_at=sent_at,  # only its year for a restricted case (vault.records.clear_time)
        attempts=attempts,
    )


def _retry(delivery: Delivery, payload: dict, attempts: int, error: Exception) -> None:
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
    Delivery.objects.filter(pk=delivery.pk).update(attempts=attempts)
    enqueue("telegram_deliver", run_after=timezone.now() + wait, **payload)


def delete_messages(*, chat: int, ids: list, tries: int = 0) -> None:
    """Delete messages of a chat (the codename hand-over, replies, short answers)."""
    ids = [int(i) for i in ids]
    if not ids:
        return
    try:
        async_to_sync(_delete)(int(chat), ids)
    except (RetryAfter, NetworkError):
        if tries + 1 < settings.CORRIDOR_TELEGRAM_ATTEMPTS:  # past 48 hours it is too late
            when = timezone.now() + backoff(tries + 1)
            enqueue("telegram_delete", run_after=when, chat=chat, ids=ids, tries=tries + 1)
