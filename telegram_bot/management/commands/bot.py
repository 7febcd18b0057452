from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from telegram_bot.token import TokenMissing, bot_token


class Command(BaseCommand):
    help = (
        "Run the Telegram bot with long polling (one process; state is in the database, so a "
        "restart resumes every dialog). With --set-webhook URL, register the webhook (with "
        "TELEGRAM_WEBHOOK_SECRET) instead and exit; --delete-webhook goes back to polling. "
        "The token comes from TELEGRAM_BOT_TOKEN(_FILE) or telegram.token in the key directory."
    )

    def add_arguments(self, parser):
        parser.add_argument("--set-webhook", metavar="URL")
        parser.add_argument("--delete-webhook", action="store_true")

    def handle(self, *args, **options):
        try:
            token = bot_token()
        except TokenMissing as missing:
            raise CommandError(str(missing)) from None
        if options["set_webhook"] or options["delete_webhook"]:
            return self._webhook(token, options["set_webhook"])
        from asgiref.sync import sync_to_async
        from telegram.ext import TypeHandler

        from telegram_bot.bot import ALLOWED_UPDATES, build_application

        async def fresh_connections(update, context):
            await sync_to_async(close_old_connections)()

        application = build_application(token, polling=True)
        application.add_handler(TypeHandler(object, fresh_connections), group=-1)
        self.stdout.write("Telegram bot polling; Ctrl-C stops it.")
        application.run_polling(allowed_updates=ALLOWED_UPDATES)

    def _webhook(self, token: str, url: str | None):
        from asgiref.sync import async_to_sync
        from telegram import Bot

        from telegram_bot import transport
        from telegram_bot.bot import ALLOWED_UPDATES

        if url and not settings.TELEGRAM_WEBHOOK_SECRET:
            raise CommandError("Set TELEGRAM_WEBHOOK_SECRET(_FILE) before registering a webhook.")

        async def call():
            async with Bot(token, request=transport.request_factory()) as telegram_bot:
                if url:
                    await telegram_bot.set_webhook(
                        url,
                        secret_token=settings.TELEGRAM_WEBHOOK_SECRET,
                        allowed_updates=ALLOWED_UPDATES,
                    )
                else:
                    await telegram_bot.delete_webhook()

        async_to_sync(call)()
        self.stdout.write("Webhook registered." if url else "Webhook removed.")
