from django.core.management.base import BaseCommand

from telegram_bot import chats


class Command(BaseCommand):
    help = (
        "Telegram maintenance. 'purge' deletes dialogs abandoned for "
        "CORRIDOR_TELEGRAM_DIALOG_DAYS (their answers in progress go with them; chats linked to "
        "a case stay) and rate buckets idle for a day. Run it with clearsessions (hourly)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="operation", required=True)
        sub.add_parser("purge", help="delete abandoned dialogs and idle rate buckets")

    def handle(self, *args, operation: str, **options):
        dialogs, buckets = chats.purge_abandoned()
        self.stdout.write(f"abandoned telegram dialogs deleted: {dialogs}; idle buckets: {buckets}")
