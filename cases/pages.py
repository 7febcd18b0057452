"""Pages of a case list without counting the list: a page reads one row more than it shows to
know whether another follows. Counting a million rows on every page is what made lists slow;
the navigation shows each queue's (capped) count instead."""

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


def page_of(queryset, raw_number, size: int = 50) -> Page:
    try:
        number = min(max(1, int(raw_number or 1)), MAX_PAGE)
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * size
    rows = list(queryset[start : start + size + 1])
    return Page(rows=rows[:size], number=number, size=size, has_next=len(rows) > size)
