from django.core.management.base import BaseCommand

from telegram_bot import chats


class Command(BaseCommand):
    help = (
        "Telegram maintenance. 'purge' deletes dialogs abandoned for "
        "CORRIDOR_TELEGRAM_DIALOG_DAYS with their answers in progress, and the rate buckets of "
        "chats that made no case (chats linked to a case stay). Run it hourly."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="operation", required=True)
        sub.add_parser("purge", help="delete abandoned dialogs")

    def handle(self, *args, operation: str, **options):
        self.stdout.write(f"abandoned telegram dialogs deleted: {chats.purge_abandoned()}")
