"""The bot's part of crypto-shredding (cases/retention.py). The chat row that made the case is
found by the keyed hash of its chat id, and the chat id only by opening the case's reply
address with the workers' delivery key, which the purge holds (it runs where the worker
runs). Both rows go, and the delivery states of the case: after the purge nothing ties the
chat to the case, and the next message to the bot starts a new dialog."""

from telegram_bot.models import CaseChat, Chat, Delivery
from vault import telegram as vault_telegram


def purge(case) -> None:
    row = CaseChat.objects.filter(case=case).first()
    if row is not None:
        chat_id = vault_telegram.open_chat(row.sealed_chat)
        Chat.objects.filter(lookup=vault_telegram.chat_lookup(chat_id)).delete()
        row.delete()
    Delivery.objects.filter(case=case).delete()
