"""Case lists and counts for the console. Workflow metadata only: nothing here decrypts."""

from django.db.models import Count

from cases.access import visible_cases
from cases.models import Case


def status_counts(user) -> list[tuple[str, int]]:
    """(status label, number of the user's visible cases) per status, in workflow order."""
    counts = dict(
        Case.objects.filter(pk__in=visible_cases(user).values("pk"))
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [(label, counts[value]) for value, label in Case.Status.choices if counts.get(value)]


def queue(user, name: str):
    """The cases of one console queue, from the user's visible cases (metadata only)."""
    from django.db.models import Q

    from cases.access import visible_cases

    cases = visible_cases(user)
    active = ~Q(status__in=[Case.Status.CLOSED, Case.Status.REJECTED, Case.Status.WITHDRAWN])
    if name == "new":
        return cases.filter(status=Case.Status.NEW, assignee=None, unverified=False)
    if name == "mine":
        return cases.filter(active, assignee=user)
    if name == "flagged":
        return cases.filter(active).filter(Q(watchlist_match=True) | Q(duress=True))
    if name == "duplicates":
        return cases.filter(active, links__kind="possible_duplicate").distinct()
    if name == "overdue":
        from datetime import timedelta

        from django.conf import settings
        from django.utils import timezone

        due = timezone.now() - timedelta(days=settings.CORRIDOR_SCREENING_DAYS)
        return cases.filter(
            status__in=[Case.Status.NEW, Case.Status.SCREENING],
            unverified=False,
            restricted=False,
            created_at__lt=due,
        )
    raise KeyError(name)


QUEUES = ("new", "mine", "overdue", "flagged", "duplicates")


def queue_counts(user) -> dict[str, int]:
    return {name: queue(user, name).count() for name in QUEUES}
