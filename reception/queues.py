"""The console queue that reads capture-card tasks (the hook named in cases/queues.py). Plain
metadata only: due dates and whether a card was sent, never a sealed value."""

from datetime import datetime

from django.db.models import Q

from reception.models import CaptureCard


def capture_card_due(now: datetime) -> Q:
    """A capture card not marked sent past its seven days (Art. 70). A restricted case keeps
    only the year of its due date in clear and is not listed: its named people see the true
    deadline on its reception page."""
    late = CaptureCard.objects.filter(sent_at=None, due_at__lt=now, case__restricted=False).values(
        "case_id"
    )
    return Q(pk__in=late)
