"""Replies and notices for Telegram cases, queued in the outbox (DESIGN.md, "Channels" and
"Background work").

The domain rule lives here: a staff message with a point, a window or a signal (``operational``
or expiring: every instruction is) is **never** sent over Telegram; the chat gets only "a message
is waiting — open the portal with your codename or call the hotline". A plain reply may go to
the chat. Each queued delivery is one outbox row whose only argument is a payload sealed to the
workers' delivery key; the case id, the text and the chat reference are inside it.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from audit.log import record as audit
from cases.access import holds
from cases.models import Case, Message
from cases.states import NO_KEYS, TransitionRefused
from corridor.outbox import enqueue
from telegram_bot.models import CaseChat, Delivery
from vault.records import clear_time


class NoChat(Exception):
    """The case has no Telegram chat to write to (cancelled, or made by another channel)."""


class OperationalRefused(Exception):
    """Operational content never goes over Telegram."""


def is_operational(message: Message | None) -> bool:
    """Unknown content (None) counts as operational: refuse by default."""
    return message is None or message.operational or message.expires_at is not None


@transaction.atomic
def queue_reply(case: Case, message: Message, text: str, *, actor) -> Delivery:
    """A plain staff reply to the chat. Refuses operational content (the domain rule), and an
    actor who does not hold the case (cases.access: possession decides)."""
    if not holds(actor, case):
        raise TransitionRefused(NO_KEYS)
    if is_operational(message):
        raise OperationalRefused("operational content is not sent over Telegram")
    return _queue(case, message, Delivery.Kind.REPLY, text, actor=actor)


@transaction.atomic
def queue_notice(case: Case, message: Message | None, *, actor) -> Delivery:
    """Only "a message is waiting"; the text stays in the portal inbox. Only for an actor who
    holds the case."""
    if not holds(actor, case):
        raise TransitionRefused(NO_KEYS)
    return _queue(case, message, Delivery.Kind.NOTICE, None, actor=actor)


def _queue(case: Case, message, kind: str, text: str | None, *, actor) -> Delivery:
    if not CaseChat.objects.filter(case=case).exists():
        raise NoChat("no telegram chat for this case")
    delivery = Delivery.objects.create(
        case=case, message=message, kind=kind, created_at=clear_time(case)
    )
    enqueue("telegram_deliver", delivery=str(delivery.pk), case=str(case.pk), what=kind, text=text)
    audit("telegram_queued", actor=actor, object_type="case", object_id=case.number, kind=kind)
    return delivery


@transaction.atomic
def close_chat(case: Case) -> None:
    """A duress login: the applicant's phone and Telegram account may be in hostile hands, so
    nothing goes to that chat again, whatever later happens to the case (a new chat comes only
    from a new conversation). The sealed chat id is deleted; the chat keeps no way back."""
    if CaseChat.objects.filter(case=case).delete()[0]:
        audit("telegram_chat_closed", object_type="case", object_id=case.number)


def delete_later(chat_id: int, message_ids: list[int], *, seconds: int) -> None:
    """Delete these messages of the chat after ``seconds`` (well inside the 48 hours in which
    a bot may delete messages of a private chat)."""
    when = timezone.now() + timedelta(seconds=seconds)
    enqueue("telegram_delete", run_after=when, chat=chat_id, ids=list(message_ids))


def state_for_staff(case: Case) -> list[Delivery]:
    """The case's deliveries (metadata only), newest last, for the case page."""
    return list(Delivery.objects.filter(case=case).order_by("created_at")[:50])
