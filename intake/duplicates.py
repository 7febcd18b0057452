"""Duplicates and the watch list, by blind index only: nothing is decrypted, nothing is shown to
the applicant. A match is a candidate for someone who can open both cases."""

from cases import workflow
from cases.models import Case
from intake.models import WatchEntry
from vault.models import BlindIndex

# At most this many links per index and case: a flood of identical applications must not make
# each new one cost more than the last (every link is two rows and an audit event).
MAX_LINKS = 10


def check(case: Case, stored: list[tuple[str, int]]) -> dict:
    """Link ``case`` to the most recent other cases sharing an index value (at most
    ``MAX_LINKS`` per index); flag it on a watch-list match."""
    linked, flagged = 0, False
    for name, value in stored:
        others = list(
            BlindIndex.objects.filter(name=name, value=value)
            .exclude(case=case)
            .order_by("-pk")
            .values_list("case_id", flat=True)[:MAX_LINKS]
        )
        for other in Case.objects.filter(pk__in=others):
            linked += int(workflow.link_possible_duplicate(case, other, via=name))
        if WatchEntry.objects.filter(index=name, value=value).exists():
            workflow.flag_watchlist(case, via=name)
            flagged = True
    return {"linked": linked, "watchlist": flagged}
