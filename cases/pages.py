"""Pages of a case list without counting the list: a page reads one row more than it shows to
know whether another follows. Counting a million rows on every page is what made lists slow;
the navigation shows each queue's (capped) count instead.

A list comes as parts without OR (cases/access.py, ``visible_parts``): one part is read
directly; several are merged by the database (UNION ALL of keys in the page's order), and the
page's rows are then read by key."""

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
        field = order.lstrip("-")
        keys = [part.order_by().values_list("pk", field) for part in parts]
        merged = keys[0].union(*keys[1:], all=True).order_by(order)
        wanted = [pk for pk, _at in merged[start:stop]]
        found = parts[0].model.objects.select_related(*related).in_bulk(wanted)
        rows = [found[pk] for pk in wanted if pk in found]
    return Page(rows=rows[:size], number=number, size=size, has_next=len(rows) > size)
