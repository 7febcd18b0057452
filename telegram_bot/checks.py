"""A webhook secret Telegram would refuse, or one short enough to guess, stops the start."""

import re

from django.conf import settings
from django.core.checks import Error, Tags, register

_SECRET = re.compile(r"^[A-Za-z0-9_-]{32,256}$")


@register(Tags.security)
def webhook_secret(app_configs, **kwargs) -> list[Error]:
    secret = settings.TELEGRAM_WEBHOOK_SECRET
    if secret is None or _SECRET.match(secret):
        return []
    return [
        Error(
            "TELEGRAM_WEBHOOK_SECRET must be 32 to 256 characters of A-Z, a-z, 0-9, _ and -.",
            id="telegram_bot.E001",
        )
    ]
