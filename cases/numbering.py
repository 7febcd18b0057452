from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cases.models import CaseCounter


def next_case_number() -> str:
    """The next case number, e.g. ``26-00042``. Call inside the transaction creating the case."""
    year = timezone.localdate().year
    counter = CaseCounter.objects.filter(year=year)
    with transaction.atomic(savepoint=False):
        # The increment takes the row lock (on SQLite the write lock is held since BEGIN), so
        # the value read back is this transaction's alone until it commits.
        if not counter.update(last=F("last") + 1):  # the year's first case
            CaseCounter.objects.get_or_create(year=year)
            counter.update(last=F("last") + 1)
        last = counter.values_list("last", flat=True).get()
    return f"{year % 100:02d}-{last:05d}"
