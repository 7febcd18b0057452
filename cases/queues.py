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
