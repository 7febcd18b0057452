"""What restricting a case does to its family rows (called by cases.restriction.coarsen, inside
vault.records.restrict): every date column of a relative of the case, and of a relative whose
own case it is (the link dates it too), is cut to its year. The true times are returned for
``restrict`` to seal with the case's other dates."""

from django.db.models import Q

from family.models import Relative
from vault.records import year_start


def coarsen(case) -> dict:
    true: dict = {}
    for relative in Relative.objects.filter(Q(case=case) | Q(own_case=case)):
        true[str(relative.pk)] = {
            "created_at": relative.created_at.isoformat(),
            "updated_at": relative.updated_at.isoformat(),
        }
        relative.created_at = year_start(relative.created_at)
        relative.updated_at = year_start(relative.updated_at)
        relative.save(update_fields=["created_at", "updated_at"])
    return true
