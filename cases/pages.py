"""Pages of a case list without counting the list: a page reads one row more than it shows to
know whether another follows. Counting a million rows on every page is what made lists slow;
the navigation shows each queue's (capped) count instead.

A list comes as parts without OR (cases/access.py, ``visible_parts``): one part is read
directly; of several, each yields its first keys in the page's order and they are merged here,
then the page's rows are read by key."""

import heapq
from dataclasses import dataclass

# Deep pages cost their offset; nobody reads 500 pages of a queue (search finds a case).
MAX_PAGE = 500


@dataclass
class Page:
    rows: list
    number: int
    size: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def __iter__(self):
        return iter(self.rows)

    def __bool__(self) -> bool:
        return bool(self.rows)


def page_of(parts, raw_number, size: int = 50, *, order: str = "-created_at", related=()):
    """Page ``raw_number`` (as typed in the URL; nonsense means 1) of a queryset or parts."""
    parts = parts if isinstance(parts, list) else [parts]
    try:
        number = min(max(1, int(raw_number or 1)), MAX_PAGE)
    except (TypeError, ValueError):
        number = 1
    start, stop = (number - 1) * size, number * size + 1
    if not parts:
        rows = []
    elif len(parts) == 1:
        rows = list(parts[0].select_related(*related).order_by(order)[start:stop])
    else:
        # Each part reads its own first ``stop`` keys in order (an index scan that stops), and
        # the parts are merged here: a UNION in SQL made PostgreSQL read every row of both.
        field = order.lstrip("-")
        descending = order.startswith("-")
        runs = [list(part.order_by(order).values_list(field, "pk")[:stop]) for part in parts]
        merged = list(heapq.merge(*runs, key=lambda row: row[0], reverse=descending))
        wanted = [pk for _at, pk in merged[start:stop]]
        found = parts[0].model.objects.select_related(*related).in_bulk(wanted)
        rows = [found[pk] for pk in wanted if pk in found]
    return Page(rows=rows[:size], number=number, size=size, has_next=len(rows) > size)
