from django.core.management.base import BaseCommand

from intake import portal


class Command(BaseCommand):
    help = (
        "Portal maintenance. 'purge-sessions' deletes expired portal sessions (run it with "
        "clearsessions, e.g. hourly): a row outlives its key only until then."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="operation", required=True)
        sub.add_parser("purge-sessions", help="delete expired portal sessions")

    def handle(self, *args, operation: str, **options):
        self.stdout.write(f"expired portal sessions deleted: {portal.purge_expired()}")
