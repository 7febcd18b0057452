"""Duplicates and the watch list, by blind index only: nothing is decrypted, nothing is shown to
the applicant. A match is a candidate for someone who can open both cases."""

from functools import reduce
from operator import or_

from django.db.models import Q

from cases import workflow
from cases.models import Case
from intake.models import WatchEntry
from vault.models import BlindIndex

# At most this many links per index and case: a flood of identical applications must not make
# each new one cost more than the last (every link is two rows and an audit event).
MAX_LINKS = 10


def check(case: Case, stored: list[tuple[str, int]], *, new: bool = False) -> dict:
    """Link ``case`` to the most recent other cases sharing an index value (at most
    ``MAX_LINKS`` per index); flag it on a watch-list match. ``new``: the case was opened in
    this transaction, so no link to it can exist yet and all are written in one batch."""
    found = []  # (index name, other case id, other case number)
    for name, value in stored:
        found += [
            (name, other, number)
            for other, number in BlindIndex.objects.filter(name=name, value=value)
            .exclude(case=case)
            .order_by("-pk")
            .values_list("case_id", "case__number")[:MAX_LINKS]
        ]
    if new:
        linked = workflow.link_new_case(case, found)
    else:
        linked = 0
        others = Case.objects.in_bulk({other for _name, other, _number in found})
        for name, other in dict.fromkeys((name, other) for name, other, _number in found):
            if other in others:
                linked += int(workflow.link_possible_duplicate(case, others[other], via=name))
    watched = set()
    if stored:
        matches = reduce(or_, (Q(index=name, value=value) for name, value in stored))
        watched = set(WatchEntry.objects.filter(matches).values_list("index", "value"))
    for name, value in stored:
        if (name, value) in watched:
            workflow.flag_watchlist(case, via=name)
    return {"linked": linked, "watchlist": bool(watched)}
