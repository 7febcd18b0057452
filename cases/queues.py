"""The console's queues and their counts. Workflow metadata only: nothing here decrypts.

Every queue is a condition (a ``Q``) over the cases the user may see (cases/access.py), backed
by an index of the case table (cases/models.py), so a page of a queue is one query whatever
the size of the programme, and the navigation's counts stop at CAP.

Some overdue reasons and "scheduled today" need dates that other apps own: the exit window
(planning's escort tasks) and the capture card (reception's capture-card tasks, Geneva
Convention III Art. 70: at capture or within a week of arrival, and again after sickness,
hospital admission or transfer). They are named hooks below that read those apps' tables.
Restricted cases keep only a year in clear, so the date-driven reasons cannot see them; their
named users watch them on the case page.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.access import triage_parts, visible_cases, visible_parts
from cases.links import duplicate_condition
from cases.models import Case

S = Case.Status
OPEN = ~Q(status__in=[S.CLOSED, S.REJECTED, S.WITHDRAWN])


# --- hooks for dates owned by later apps (each matches nothing until its app exists) -------


def window_passed_without_report(now) -> Q:
    """Scheduled or under way, the last exit window is over and the field unit has not reported
    an end (handed over or aborted): planning's escort tasks (planning/queues.py)."""
    from planning.queues import window_passed_without_report as passed

    return passed(now)


def capture_card_due(now) -> Q:
    """A capture card not marked sent within its week (Art. 70: at custody, and again after
    each sickness, hospital admission or transfer): reception/queues.py."""
    from reception.queues import capture_card_due as due

    return due(now)


def window_today(now) -> Q:
    """A scheduled exit whose window opens today, Kyiv time (planning/queues.py)."""
    from planning.queues import window_today as today

    return today(now)


# --- the queues ----------------------------------------------------------------------------


def screening_overdue(now) -> Q:
    due = now - timedelta(days=settings.CORRIDOR_SCREENING_DAYS)
    return Q(
        status__in=[S.NEW, S.SCREENING], unverified=False, restricted=False, created_at__lt=due
    )


def recontact_due(now) -> Q:
    """Intent registered or verified, and the applicant silent for the re-contact interval:
    someone should reach out before the case drifts into dormancy."""
    due = now - timedelta(days=settings.CORRIDOR_RECONTACT_DAYS)
    return Q(
        status__in=[S.INTENT_REGISTERED, S.VERIFIED], restricted=False, last_contact_at__lt=due
    )


def _conditions(user, now) -> dict[str, Q]:
    # Driven from the link table (few rows, indexed by kind) rather than a test per case; a
    # link to a restricted case the user does not hold counts for nothing (cases/links.py).
    duplicate = duplicate_condition(user)
    return {
        "new": Q(status=S.NEW, assignee=None, unverified=False),
        "mine": OPEN & Q(assignee=user),
        # Open cases only: a closed or withdrawn case with a card never marked sent stayed
        # in Overdue for ever.
        "overdue": OPEN
        & (
            screening_overdue(now)
            | recontact_due(now)
            | window_passed_without_report(now)
            | capture_card_due(now)
        ),
        "today": Q(status=S.SCHEDULED) & window_today(now),
        "flagged": OPEN & (Q(watchlist_match=True) | Q(duress=True)),
        "duplicates": OPEN & duplicate,
    }


QUEUES = ("new", "mine", "overdue", "today", "flagged", "duplicates")
TITLES = {
    "new": _("New and unassigned"),
    "mine": _("Assigned to me"),
    "overdue": _("Overdue"),
    "today": _("Scheduled today"),
    "flagged": _("Flagged (watch list, duress)"),
    "duplicates": _("Possible duplicates"),
}
# What a queue page lists, where its title alone does not say it.
WAITING = {
    "overdue": _(
        "Overdue here: screening past its deadline, applicants silent past the re-contact "
        "interval, exit windows passed without a report from the field unit, and capture cards "
        "not marked sent within their seven days (see the case's reception page)."
    ),
    "today": _("Exits are listed here once exit plans with windows are recorded."),
}


def queue(user, name: str, now=None):
    """The cases of one console queue, as one queryset (for look-ups and tests)."""
    condition = _conditions(user, now or timezone.now())[name]  # KeyError: no such queue
    return visible_cases(user).filter(condition)


def queue_parts(user, name: str, now=None) -> list:
    """The same queue as parts without OR (access.visible_parts), for its page and count."""
    condition = _conditions(user, now or timezone.now())[name]  # KeyError: no such queue
    return [part.filter(condition) for part in visible_parts(user)]


# Counts stop here: "99+" says enough for a queue to work through, and a capped count reads at
# most CAP + 1 index entries per part whatever the size of the programme (a higher cap made
# PostgreSQL hash whole tables for the rarer queues at 1M cases).
CAP = 99


def capped_count(cases) -> int:
    """The number of cases (a queryset or a list of parts), or CAP + 1 when there are more."""
    parts = cases if isinstance(cases, list) else [cases]
    total = sum(part.order_by().values("pk")[: CAP + 1].count() for part in parts)
    return min(total, CAP + 1)


def shown(n: int) -> str:
    return f"{CAP}+" if n > CAP else str(n)


def queue_counts(user, now=None) -> dict[str, int]:
    """Every queue's count, capped at CAP (the navigation shows them on every staff page)."""
    if not user.has_perm("accounts.view_team_cases"):
        return {}
    now = now or timezone.now()
    counts = {name: capped_count(queue_parts(user, name, now)) for name in QUEUES}
    if user.has_perm("accounts.triage_portal"):
        counts["triage"] = capped_count(triage_parts(user))
    return counts


def status_counts(user) -> list[tuple[str, str]]:
    """(status label, shown count) per status with cases, in workflow order. One capped count
    per status, each a seek into the (status, team, ...) index: counting every case of a large
    programme by GROUP BY took seconds at 1M cases (bench/cases.py)."""
    parts = visible_parts(user)
    rows = []
    for value, label in Case.Status.choices:
        n = capped_count([part.filter(status=value) for part in parts])
        if n:
            rows.append((label, shown(n)))
    return rows
