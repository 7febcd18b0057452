from django.core.management.base import BaseCommand, CommandError

from audit.log import record, verify


class Command(BaseCommand):
    help = (
        "Audit log operations. 'verify' walks the hash chain from the first event and exits "
        "non-zero naming the first broken link (an edited, inserted or deleted event)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="operation", required=True)
        sub.add_parser("verify", help="check every event's hash and link")

    def handle(self, *args, operation: str, **options):
        if operation == "verify":
            checked, broken = verify()
            record(
                "audit_verified",
                object_type="audit",
                object_id="cli",
                events=checked,
                intact=broken is None,
            )
            if broken is not None:
                raise CommandError(
                    f"audit chain broken at {broken} ({checked} events before it are intact)"
                )
            self.stdout.write(f"audit chain intact: {checked} events")
