"""The bot's token: from ``TELEGRAM_BOT_TOKEN`` or the file named by ``TELEGRAM_BOT_TOKEN_FILE``
(settings), else ``telegram.token`` in the key directory. Never logged, never in an exception."""

import re
from pathlib import Path

from django.conf import settings

_FORM = re.compile(r"^\d{5,20}:[A-Za-z0-9_-]{30,64}$")


class TokenMissing(Exception):
    """No usable bot token; the message says where to put one (and never shows a token)."""


def bot_token() -> str:
    token = settings.TELEGRAM_BOT_TOKEN
    if not token:
        path = Path(settings.CORRIDOR_KEY_DIR) / "telegram.token"
        if path.is_file():
            token = path.read_text(encoding="utf-8").strip()
    if not token:
        raise TokenMissing(
            "No Telegram bot token: set TELEGRAM_BOT_TOKEN or TELEGRAM_BOT_TOKEN_FILE, or put "
            "it in telegram.token in the key directory (mode 0600). BotFather gives the token."
        )
    if not _FORM.match(token):
        raise TokenMissing("The Telegram bot token is malformed (expected digits:letters).")
    return token
