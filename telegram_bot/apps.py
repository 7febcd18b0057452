from django.apps import AppConfig


class TelegramBotConfig(AppConfig):
    # The package is not called ``telegram``: that name is python-telegram-bot's own package.
    name = "telegram_bot"
    verbose_name = "Telegram"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cases.retention import register_purger
        from telegram_bot import checks  # noqa: F401  (registers the system check)
        from telegram_bot.retention import purge

        register_purger(purge)  # the chat and reply address of a purged case
