"""The console queues that read escort tasks' windows (hooks named in cases/queues.py). Plain
metadata only: task status and window times, never a sealed value."""

from datetime import datetime, time, timedelta

from django.db.models import Q

from cases.models import Case
from planning import programme
from planning.escort import ACTIVE
from planning.models import EscortTask


def window_passed_without_report(now: datetime) -> Q:
    """Scheduled or under way, the task's last window (fallback included) is over and the unit
    has reported no end. A restricted case keeps no window in clear and is not listed."""
    late = EscortTask.objects.filter(status__in=ACTIVE, window_end__lt=now).values("case_id")
    return Q(status__in=[Case.Status.SCHEDULED, Case.Status.IN_PROGRESS], pk__in=late)


def window_today(now: datetime) -> Q:
    """A task whose window opens today in the programme's staff zone (Kyiv)."""
    zone = programme.current().staff_zone()
    day = now.astimezone(zone).date()
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = start + timedelta(days=1)
    today = EscortTask.objects.filter(
        status__in=ACTIVE, window_start__gte=start, window_start__lt=end
    ).values("case_id")
    return Q(pk__in=today)
