from django.conf import settings
from django.core.management.base import BaseCommand

from cases import workflow


class Command(BaseCommand):
    help = (
        "Case housekeeping. 'mark-dormant' makes dormant every case in new, screening, "
        "intent registered or verified without contact for CORRIDOR_DORMANT_AFTER_DAYS days "
        "(run daily); the applicant's next contact reopens it. Prints case numbers only."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="operation", required=True)
        sub.add_parser("mark-dormant", help="dormant after silence")

    def handle(self, *args, operation: str, **options):
        numbers = workflow.mark_dormant_after_silence()
        self.stdout.write(
            f"dormant after {settings.CORRIDOR_DORMANT_AFTER_DAYS} days without "
            f"contact: {len(numbers)} {' '.join(numbers)}".rstrip()
        )
