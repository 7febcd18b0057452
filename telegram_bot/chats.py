"""Loading and storing a chat's encrypted state (telegram_bot.models.Chat) through the vault."""

from dataclasses import dataclass, field

from django.utils import timezone

from telegram_bot.models import Chat as ChatRow
from vault import telegram as vault_telegram


@dataclass
class Chat:
    chat_id: int
    lookup: bytes
    state: dict = field(default_factory=dict)
    case_id: object = None
    exists: bool = False
    dirty: bool = False

    def __repr__(self) -> str:
        return "Chat(…)"

    def remember(self, message_id: int) -> None:
        visible = self.state.setdefault("visible", [])
        if message_id not in visible:
            visible.append(message_id)

    def take(self, message_id: int | None) -> list[int]:
        """``message_id`` to delete now (and forget); nothing for None."""
        if message_id is None:
            return []
        visible = self.state.get("visible", [])
        if message_id in visible:
            visible.remove(message_id)
        return [message_id]

    def take_all(self) -> list[int]:
        ids = list(self.state.get("visible", []))
        self.state["visible"] = []
        return ids


def lookup_of(chat_id: int) -> bytes:
    return vault_telegram.chat_lookup(chat_id)


def load(chat_id: int, lookup: bytes) -> Chat:
    """The chat's state, its row locked until the caller's transaction ends (two updates of
    one chat handled at once by two webhook workers must not overwrite each other)."""
    row = (
        ChatRow.objects.select_for_update()
        .filter(lookup=lookup)
        .values_list("state", "case_id")
        .first()
    )
    if row is None:
        return Chat(chat_id, lookup)
    state = vault_telegram.open_state(chat_id, lookup, bytes(row[0]))
    return Chat(chat_id, lookup, state or {}, row[1], exists=True)


def store(chat: Chat) -> None:
    fields = {
        "state": vault_telegram.seal_state(chat.chat_id, chat.lookup, chat.state),
        "updated_at": timezone.now(),
    }
    if chat.exists:
        ChatRow.objects.filter(lookup=chat.lookup).update(**fields)
    else:
        ChatRow.objects.create(lookup=chat.lookup, **fields)
        chat.exists = True
    chat.dirty = False


def link(chat: Chat, case) -> None:
    """The dialog produced ``case``: keep the chat for replies (its id sealed to the workers)."""
    chat.case_id = case.pk
    if not chat.exists:
        store(chat)
    ChatRow.objects.filter(lookup=chat.lookup).update(
        case=case, sealed_chat=vault_telegram.seal_chat(chat.chat_id)
    )


def forget(chat: Chat) -> None:
    ChatRow.objects.filter(lookup=chat.lookup, case__isnull=True).delete()
    chat.exists, chat.state = False, {}


def purge_abandoned() -> tuple[int, int]:
    """Delete dialogs that never made a case and were left for CORRIDOR_TELEGRAM_DIALOG_DAYS,
    and rate buckets idle for a day (a full bucket is the same as none)."""
    from datetime import timedelta

    from django.conf import settings

    from telegram_bot.models import Bucket

    now = timezone.now()
    old = now - timedelta(days=settings.CORRIDOR_TELEGRAM_DIALOG_DAYS)
    dialogs, _ = ChatRow.objects.filter(case__isnull=True, updated_at__lt=old).delete()
    buckets, _ = Bucket.objects.filter(updated_at__lt=now - timedelta(days=1)).delete()
    return dialogs, buckets
