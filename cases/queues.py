"""Case lists and counts for the console. Workflow metadata only: nothing here decrypts."""

from django.db.models import Count

from cases.models import Case


def status_counts() -> list[tuple[str, int]]:
    """(status label, number of cases) for every status that has cases, in workflow order."""
    counts = dict(Case.objects.values_list("status").annotate(n=Count("pk")).order_by())
    return [(label, counts[value]) for value, label in Case.Status.choices if counts.get(value)]
