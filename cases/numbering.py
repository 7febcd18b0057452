from django.db import transaction
from django.utils import timezone

from cases.models import CaseCounter


def next_case_number() -> str:
    """The next case number, e.g. ``26-00042``. Call inside the transaction creating the case."""
    year = timezone.localdate().year
    with transaction.atomic(savepoint=False):
        CaseCounter.objects.get_or_create(year=year)
        counter = CaseCounter.objects.select_for_update().get(year=year)
        counter.last += 1
        counter.save(update_fields=["last"])
    return f"{year % 100:02d}-{counter.last:05d}"
