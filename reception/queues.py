"""The console queue that reads capture-card tasks (the hook named in cases/queues.py). Plain
metadata only: due dates, report times and whether a card was sent, never a sealed value."""

from datetime import datetime, timedelta

from django.db.models import Q

from reception.custody import CARD_DAYS
from reception.models import CaptureCard, Custody


def capture_card_due(now: datetime) -> Q:
    """A capture card not marked sent past its seven days (Art. 70), or a case the field unit
    handed over more than seven days ago whose custody record (which starts the first card)
    nobody has written. A restricted case keeps only years in clear and is not listed: its
    named people see the true deadline on its reception page."""
    from cases.models import Case
    from planning.models import EscortTask

    late = CaptureCard.objects.filter(sent_at=None, due_at__lt=now, case__restricted=False).values(
        "case_id"
    )
    handed_over = EscortTask.objects.filter(
        status=EscortTask.Status.HANDED_OVER,
        last_report_at__lt=now - timedelta(days=CARD_DAYS),
        case__restricted=False,
    ).values("case_id")
    unrecorded = Q(status=Case.Status.RECEIVED, pk__in=handed_over) & ~Q(
        pk__in=Custody.objects.values("case_id")
    )
    return Q(pk__in=late) | unrecorded
