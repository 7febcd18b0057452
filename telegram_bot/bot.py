"""The python-telegram-bot side: one ``Application`` whose single handler turns each update into
``dialog.Incoming``, runs the dialog (synchronous, the ORM) with ``sync_to_async`` and performs
the outcome with Bot API calls. Every message is sent with ``protect_content`` (no forwarding,
no saving) and buttons are inline keyboards.

Two ways in: ``corridor bot`` polls (``run_polling``; the ORM then runs in asgiref's thread),
and the webhook view / the tests call ``process`` from synchronous code (``async_to_sync``; the
ORM then runs back in the calling thread, inside its transaction).

Group chats are left at once; edits, channel posts, inline queries and everything else not
from a private chat are ignored. Nothing here logs an update: PTB's own loggers are filtered
(corridor/settings.py) and our error handler names only the exception class.
"""

import logging

from asgiref.sync import async_to_sync, sync_to_async
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes, Defaults, TypeHandler

from telegram_bot import dialog, transport
from telegram_bot.token import bot_token

log = logging.getLogger(__name__)

# What the bot asks Telegram for (polling and webhook alike); the rest is never even sent.
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]
_BATCH = 100  # deleteMessages takes at most 100 ids


def build_application(token: str, *, polling: bool = False) -> Application:
    builder = (
        Application.builder()
        .token(token)
        .request(transport.request_factory())
        .defaults(Defaults(protect_content=True, disable_notification=True))
    )
    if polling:
        builder = builder.get_updates_request(transport.request_factory())
    else:
        builder = builder.updater(None)
    application = builder.build()
    application.add_handler(TypeHandler(Update, on_update))
    application.add_error_handler(on_error)
    return application


def incoming(update: Update) -> dialog.Incoming | None:
    """The dialog's view of an update from a private chat; None for anything else."""
    query = update.callback_query
    if query is not None:
        if query.message is None:
            return None
        return dialog.Incoming(
            chat_id=query.message.chat.id,
            message_id=query.message.message_id,
            data=(query.data or "")[:64],
            user_language=query.from_user.language_code if query.from_user else None,
        )
    message = update.message  # not edited_message: edits are ignored
    if message is None:
        return None
    location = None
    if message.location is not None:
        location = (message.location.latitude, message.location.longitude)
    return dialog.Incoming(
        chat_id=message.chat.id,
        message_id=message.message_id,
        text=message.text,
        location=location,
        user_language=message.from_user.language_code if message.from_user else None,
    )


async def on_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    if chat.type != ChatType.PRIVATE:
        if chat.type in (ChatType.GROUP, ChatType.SUPERGROUP) and _still_member(update):
            await _quietly(context.bot.leave_chat(chat.id))
        return
    event = incoming(update)
    if event is None:
        return
    outcome = await sync_to_async(dialog.handle)(event)
    if update.callback_query is not None:
        await _quietly(
            update.callback_query.answer(text=outcome.callback_text or None),
        )
    await perform(context.bot, event.chat_id, outcome)


def _still_member(update: Update) -> bool:
    member = update.my_chat_member
    return member is None or member.new_chat_member.status not in ("left", "kicked")


async def perform(bot, chat_id: int, outcome: dialog.Outcome) -> None:
    """Delete first (in batches), then send, then remember what was sent."""
    ids = sorted(set(outcome.delete))
    for start in range(0, len(ids), _BATCH):
        await _quietly(bot.delete_messages(chat_id, ids[start : start + _BATCH]))
    sent = []
    for out in outcome.send:
        markup = None
        if out.buttons:
            markup = InlineKeyboardMarkup(
                [
                    [InlineKeyboardButton(label, callback_data=data) for label, data in row]
                    for row in out.buttons
                ]  # fmt: skip
            )
        message = await bot.send_message(
            chat_id, out.text, protect_content=True, reply_markup=markup
        )
        sent.append((out.tag, message.message_id, out.delete_after))
    if outcome.leave:
        await _quietly(bot.leave_chat(chat_id))
    await sync_to_async(dialog.sent)(chat_id, sent, outcome.chat)


async def _quietly(call) -> None:
    """A delete or leave that fails (already gone, older than 48 hours) is not an error."""
    try:
        await call
    except TelegramError as error:
        log.info("telegram call failed: %s", type(error).__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    # The class only: an exception's text may quote the update (and so the applicant).
    log.error("telegram update failed: %s", type(context.error).__name__)


async def process_updates(payloads: list[dict], token: str | None = None) -> None:
    """Run recorded or webhook update JSON through a fresh Application."""
    application = build_application(token or bot_token())
    async with application:
        for data in payloads:
            await application.process_update(Update.de_json(data, application.bot))


def process(payloads: list[dict], token: str | None = None) -> None:
    """From synchronous code (the webhook view, tests): the ORM runs in the calling thread."""
    async_to_sync(process_updates)(payloads, token)
