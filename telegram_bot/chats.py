"""Loading and storing a chat (telegram_bot.models.Chat) through the vault, with its rate
limit: a token bucket in the same row, keyed by the same lookup hash, so that one update costs
one locked read and one write."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from telegram_bot.models import CaseChat
from telegram_bot.models import Chat as ChatRow
from vault import telegram as vault_telegram


@dataclass
class Chat:
    chat_id: int
    lookup: bytes
    state: dict = field(default_factory=dict)
    case_id: str | None = None  # kept inside the sealed state, never in the row in clear
    exists: bool = False
    dirty: bool = False
    tokens: float = 0.0
    tokens_at: datetime | None = None
    version: int = 0
    sealed: bytes | None = None  # the stored state, until ``open_state`` decrypts it

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
    """The chat, its row locked until the caller's transaction ends (two updates of one chat
    handled at once by two webhook workers must not overwrite each other). Its state is still
    sealed: ``open_state`` decrypts it."""
    rows = list(
        ChatRow.objects.select_for_update()
        .filter(lookup=lookup)
        .values_list("state", "tokens", "tokens_at", "version")
    )
    row = rows[0] if rows else None
    per_minute = float(settings.CORRIDOR_TELEGRAM_UPDATES_PER_MINUTE)
    if row is None:
        return Chat(chat_id, lookup, tokens=per_minute, tokens_at=timezone.now())
    chat = Chat(chat_id, lookup, {}, None, True, False, row[1], row[2], row[3])
    chat.sealed = bytes(row[0])
    return chat


def open_state(chat: Chat) -> Chat:
    """Decrypt the loaded state (after the rate limit has let the update through)."""
    if chat.sealed is not None:
        chat.state = vault_telegram.open_state(chat.chat_id, chat.lookup, chat.sealed) or {}
        chat.case_id = chat.state.pop("case", None)
        chat.sealed = None
    return chat


def take_token(chat: Chat) -> bool:
    """One token from the chat's bucket (refilled at CORRIDOR_TELEGRAM_UPDATES_PER_MINUTE);
    False when it is empty. The caller stores the chat."""
    per_minute = float(settings.CORRIDOR_TELEGRAM_UPDATES_PER_MINUTE)
    now = timezone.now()
    elapsed = (now - (chat.tokens_at or now)).total_seconds()
    tokens = min(per_minute, chat.tokens + elapsed * per_minute / 60.0)
    chat.tokens_at = now
    if tokens < 1:
        chat.tokens = tokens
        return False
    chat.tokens = tokens - 1
    return True


def _fields(chat: Chat) -> dict:
    state = chat.state if chat.case_id is None else {**chat.state, "case": str(chat.case_id)}
    return {
        "state": vault_telegram.seal_state(chat.chat_id, chat.lookup, state),
        "has_case": chat.case_id is not None,
        "updated_at": timezone.now(),
        "tokens": chat.tokens,
        "tokens_at": chat.tokens_at,
        "version": chat.version + 1,
    }


def store(chat: Chat) -> None:
    """Write the chat (inside the transaction that loaded it)."""
    fields = _fields(chat)
    if chat.exists:
        ChatRow.objects.filter(lookup=chat.lookup).update(**fields)
    else:
        ChatRow.objects.create(lookup=chat.lookup, **fields)
        chat.exists = True
    chat.version, chat.dirty = fields["version"], False


def store_tokens(chat: Chat) -> None:
    """A refused update: only the bucket changes (nothing is decrypted again)."""
    if chat.exists:
        ChatRow.objects.filter(lookup=chat.lookup).update(
            tokens=chat.tokens, tokens_at=chat.tokens_at
        )


def store_if_unchanged(chat: Chat) -> bool:
    """Write ``chat`` only if nobody wrote the row since it was read (one statement)."""
    fields = _fields(chat)
    changed = ChatRow.objects.filter(lookup=chat.lookup, version=chat.version).update(**fields)
    if changed:
        chat.version = fields["version"]
    return bool(changed)


def link(chat: Chat, case) -> None:
    """The dialog produced ``case``: the chat's sealed state names it (written by the caller's
    ``store``), and the case gets its reply address, the chat id sealed to the workers."""
    chat.case_id = str(case.pk)
    chat.dirty = True
    CaseChat.objects.update_or_create(
        case=case, defaults={"sealed_chat": vault_telegram.seal_chat(chat.chat_id)}
    )


def is_open(chat: Chat) -> bool:
    """Whether the chat still leads to its case (a duress login closes it for good)."""
    return chat.case_id is not None and CaseChat.objects.filter(case_id=chat.case_id).exists()


def forget(chat: Chat) -> None:
    """The dialog ends without a case: its state (answers and all) is emptied. The row stays
    as the chat's rate bucket until `corridor telegram purge`, so that /start and /cancel in
    turn cannot refill the bucket."""
    chat.state = {}
    chat.dirty = True


def purge_abandoned() -> int:
    """Delete chats that never made a case and were left for CORRIDOR_TELEGRAM_DIALOG_DAYS
    (dialogs in progress with their answers, and spent rate buckets)."""
    old = timezone.now() - timedelta(days=settings.CORRIDOR_TELEGRAM_DIALOG_DAYS)
    dialogs, _ = ChatRow.objects.filter(has_case=False, updated_at__lt=old).delete()
    return dialogs
