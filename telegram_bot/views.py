import json
import logging
from hmac import compare_digest

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from telegram.error import TelegramError

from telegram_bot import bot, schema
from telegram_bot.token import TokenMissing

log = logging.getLogger(__name__)
_MAX_BODY = 64 * 1024


@csrf_exempt
@login_not_required
@require_POST
def webhook(request: HttpRequest) -> HttpResponse:
    """Telegram's webhook. Only a request carrying the secret token we registered with
    ``setWebhook`` is read; a body we do not recognise gets 200 and is dropped. Without a
    configured secret the endpoint does not exist (use `corridor bot` polling)."""
    secret = settings.TELEGRAM_WEBHOOK_SECRET
    if not secret:
        raise Http404("no webhook configured")
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not compare_digest(given.encode(), secret.encode()):
        return HttpResponse(status=403)
    if len(request.body) > _MAX_BODY:
        return HttpResponse(status=200)
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return HttpResponse(status=200)
    if not schema.accepted(data):
        return HttpResponse(status=200)
    try:
        bot.process([data])
    except TokenMissing:
        log.error("telegram webhook: no bot token configured")
        return HttpResponse(status=503)  # Telegram retries later
    except TelegramError as error:  # the Bot API unreachable while starting: retry later
        log.warning("telegram webhook: %s", type(error).__name__)
        return HttpResponse(status=503)
    return HttpResponse(status=200)
