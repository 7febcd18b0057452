"""``corridor purge``: crypto-shred cases whose retention has run out (cases/retention.py)."""

from django.core.management.base import BaseCommand, CommandError

from cases import retention
from vault.delivery import NoDeliveryKey
from vault.keys import keyring


class Command(BaseCommand):
    help = (
        "Crypto-shred the personal data of closed, rejected and withdrawn cases once the days "
        "in programmes/<programme>/retention.yaml have passed since their status changed: "
        "sealed data keys (escrow's too), ciphertexts, blind indexes, codename, audit key, "
        "attachment files, Telegram chat, outbox rows. The case row keeps its aggregates. "
        "--dry-run lists case numbers and rules only; without --yes it asks. Runs where the "
        "workers' delivery key is (it opens waiting outbox rows to find a case's). A purge is "
        "complete only once the backup retention has passed (docs/operations.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="list what is due, change nothing"
        )
        parser.add_argument("--yes", action="store_true", help="purge without asking")

    def handle(self, *args, dry_run: bool = False, yes: bool = False, **options):
        try:
            listing = retention.listing()
        except (OSError, retention.RetentionError) as error:
            raise CommandError(f"retention settings: {error}") from None
        for number, status, days in listing:
            self.stdout.write(f"{number}\t{status}\t{days} days")
        if dry_run or not listing:
            self.stdout.write(f"{len(listing)} case(s) due; nothing changed.")
            return
        if keyring().delivery_private is None:
            raise CommandError("no delivery.key on this host: run the purge where workers run")
        if not yes:
            answer = input(f"Crypto-shred {len(listing)} case(s)? This cannot be undone. [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                raise CommandError("nothing purged")
        try:
            done = retention.purge()
        except NoDeliveryKey:
            raise CommandError("no delivery.key on this host") from None
        self.stdout.write(f"{len(done)} case(s) purged.")
