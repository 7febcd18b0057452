"""Reward schedules as programme data: ``programmes/<programme>/rewards/*.yaml``.

One file per law (or amendment): its text per language, the date it takes effect, the
conditions (ids and text per language) and the categories with a fixed amount or a range in
USD. A case uses the schedule in force on its handover date (``in_force``); a new law is a new
file, so old cases keep the amounts of theirs. ``load`` refuses a broken file naming the line and
the reason of every problem (``corridor rewards check`` prints them all); a running server only
ever uses schedules that loaded without a problem.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

import yaml
from django.conf import settings

LANGUAGES = ("ru", "uk", "en")
CURRENCY = "USD"
_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_FILE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,79}$")
# The conditions the law names (DOMAIN.md, section 2): every schedule must state them.
REQUIRED_CONDITIONS = ("voluntary", "serviceable")
_TOP = {"law", "effective", "currency", "conditions", "categories"}
_CATEGORY = {"id", "usd", "label"}
_CONDITION = {"id", *LANGUAGES}
# The largest single amount a schedule may name: a guard against a typo of three zeros.
MAXIMUM = 100_000_000


class ScheduleError(Exception):
    """A broken schedule file; ``problems`` lists (line, reason)."""

    def __init__(self, problems: list[tuple[int, str]]):
        super().__init__("; ".join(f"line {line}: {reason}" for line, reason in problems))
        self.problems = problems


class NoSchedule(LookupError):
    """No schedule is in force on the date asked for (before the first law)."""


@dataclass(frozen=True)
class Category:
    id: str
    low: Decimal  # USD
    high: Decimal  # USD; equal to low for a fixed amount
    label: dict

    @property
    def fixed(self) -> bool:
        return self.low == self.high

    def label_in(self, language: str) -> str:
        return self.label.get(language) or self.label["en"]

    def allows(self, amount: Decimal) -> bool:
        return self.low <= amount <= self.high


@dataclass(frozen=True)
class Schedule:
    id: str  # the file's name without .yaml
    path: Path
    law: dict
    effective: date
    currency: str
    conditions: tuple  # ({"id":..., "ru":..., ...}, ...)
    categories: dict  # id -> Category, in file order

    def law_in(self, language: str) -> str:
        return self.law.get(language) or self.law["en"]

    def category(self, category_id: str) -> Category | None:
        return self.categories.get(category_id)


def _texts(value, where: str, line: int, problems: list) -> dict:
    if not isinstance(value, dict):
        problems.append((line, f"{where}: give a text per language ({', '.join(LANGUAGES)})"))
        return {}
    for language in LANGUAGES:
        text = value.get(language)
        if not isinstance(text, str) or not text.strip():
            problems.append((line, f"{where}: missing text in {language!r}"))
    extra = set(value) - set(LANGUAGES)
    if extra:
        problems.append((line, f"{where}: unknown languages {sorted(map(str, extra))}"))
    return {k: v for k, v in value.items() if k in LANGUAGES}


def _lines(root) -> dict:
    """{top-level key: (line, [line of each list item])} from the composed YAML tree."""
    found = {}
    if not isinstance(root, yaml.MappingNode):
        return found
    for key, node in root.value:
        items = []
        if isinstance(node, yaml.SequenceNode):
            items = [item.start_mark.line + 1 for item in node.value]
        found[key.value] = (key.start_mark.line + 1, items)
    return found


def _amount(value) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    if not 0 < value <= MAXIMUM:
        return None
    return Decimal(value)


def parse(text: str, path: Path) -> Schedule:
    """A schedule from YAML text, or ScheduleError naming the line and reason of each problem."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise ScheduleError([((mark.line + 1) if mark else 0, "not valid YAML")]) from error
    if not isinstance(data, dict):
        raise ScheduleError([(1, "a schedule is a mapping (law, effective, conditions, ...)")])
    lines = _lines(root)

    def line_of(key: str) -> int:
        return lines.get(key, (1, []))[0]

    def item_line(key: str, index: int) -> int:
        items = lines.get(key, (1, []))[1]
        return items[index] if index < len(items) else line_of(key)

    problems: list[tuple[int, str]] = []
    for key in sorted(set(data) - _TOP, key=str):
        problems.append((line_of(key), f"unknown key {key!r}"))
    for key in sorted(_TOP - set(data)):
        problems.append((1, f"missing {key!r}"))
    law = _texts(data.get("law"), "law", line_of("law"), problems) if "law" in data else {}
    effective = data.get("effective")
    if "effective" in data and not (isinstance(effective, date) and type(effective) is date):
        problems.append((line_of("effective"), "effective: give a date as YYYY-MM-DD"))
        effective = None
    currency = data.get("currency")
    if "currency" in data and currency != CURRENCY:
        problems.append((line_of("currency"), f"currency: amounts are in {CURRENCY}"))

    conditions = []
    raw = data.get("conditions")
    if "conditions" in data and not isinstance(raw, list):
        problems.append((line_of("conditions"), "conditions: give a list"))
        raw = []
    seen = set()
    for index, item in enumerate(raw or []):
        line = item_line("conditions", index)
        if not isinstance(item, dict):
            problems.append((line, "a condition has an id and a text per language"))
            continue
        for key in sorted(set(item) - _CONDITION, key=str):
            problems.append((line, f"condition: unknown key {key!r}"))
        cid = item.get("id")
        if not isinstance(cid, str) or not _ID.match(cid):
            problems.append((line, "condition: id must be lower-case letters, digits, _"))
        elif cid in seen:
            problems.append((line, f"condition {cid!r} given twice"))
        seen.add(cid)
        texts = _texts({k: v for k, v in item.items() if k != "id"}, "condition", line, problems)
        conditions.append({"id": cid, **texts})
    for required in REQUIRED_CONDITIONS:
        if raw is not None and required not in seen:
            problems.append((line_of("conditions"), f"conditions: the law requires {required!r}"))

    categories: dict[str, Category] = {}
    raw = data.get("categories")
    if "categories" in data and (not isinstance(raw, list) or not raw):
        problems.append((line_of("categories"), "categories: give a non-empty list"))
        raw = []
    for index, item in enumerate(raw or []):
        line = item_line("categories", index)
        if not isinstance(item, dict):
            problems.append((line, "a category has id, usd and label"))
            continue
        for key in sorted(set(item) - _CATEGORY, key=str):
            problems.append((line, f"category: unknown key {key!r}"))
        cid = item.get("id")
        if not isinstance(cid, str) or not _ID.match(cid):
            problems.append((line, "category: id must be lower-case letters, digits, _"))
            cid = None
        elif cid in categories:
            problems.append((line, f"category {cid!r} given twice"))
        usd = item.get("usd")
        if isinstance(usd, list):
            bounds = [_amount(v) for v in usd]
            if len(bounds) != 2 or None in bounds or bounds[0] >= bounds[1]:
                problems.append((line, "usd: a range is [low, high], whole dollars, low < high"))
                bounds = None
        else:
            amount = _amount(usd)
            bounds = None if amount is None else [amount, amount]
            if amount is None:
                problems.append((line, f"usd: a whole number of dollars from 1 to {MAXIMUM}"))
        label = _texts(item.get("label"), f"category {cid}", line, problems)
        if cid and bounds and cid not in categories:
            categories[cid] = Category(cid, bounds[0], bounds[1], label)
    if problems:
        raise ScheduleError(sorted(problems, key=lambda p: p[0]))
    return Schedule(
        id=path.stem,
        path=path,
        law=law,
        effective=effective,
        currency=currency,
        conditions=tuple(conditions),
        categories=categories,
    )


def load(path: Path) -> Schedule:
    if not _FILE.match(path.stem):
        raise ScheduleError([(0, "file name: letters, digits, '-', '_' and '.' only")])
    return parse(path.read_text(encoding="utf-8"), path)


def directory() -> Path:
    return Path(settings.CORRIDOR_PROGRAMME_DIR) / "rewards"


def check_all(folder: Path) -> tuple[dict[str, Schedule], dict[Path, list]]:
    """Every schedule of ``folder`` that loads, and the problems of those that do not. Two
    schedules taking effect on the same day are a problem: which one applies would be a guess."""
    loaded: dict[str, Schedule] = {}
    problems: dict[Path, list] = {}
    by_date: dict[date, Path] = {}
    for path in sorted(folder.glob("*.yaml")):
        try:
            schedule = load(path)
        except ScheduleError as error:
            problems[path] = error.problems
            continue
        if schedule.effective in by_date:
            problems[path] = [
                (0, f"takes effect on the same day as {by_date[schedule.effective].name}")
            ]
            continue
        by_date[schedule.effective] = path
        loaded[schedule.id] = schedule
    return loaded, problems


@cache
def _all(folder: str) -> tuple[Schedule, ...]:
    loaded, problems = check_all(Path(folder))
    if problems:
        first = next(iter(problems))
        raise ScheduleError([(line, f"{first.name}: {r}") for line, r in problems[first]])
    return tuple(sorted(loaded.values(), key=lambda s: s.effective))


def all_schedules() -> tuple[Schedule, ...]:
    """Every schedule of the programme, oldest first."""
    return _all(str(directory()))


def by_id(schedule_id: str) -> Schedule | None:
    return next((s for s in all_schedules() if s.id == schedule_id), None)


def in_force(on: date) -> Schedule:
    """The schedule in force on ``on``: the latest to take effect on or before it."""
    found = [s for s in all_schedules() if s.effective <= on]
    if not found:
        raise NoSchedule("no reward schedule in force on that date")
    return found[-1]


def current() -> Schedule:
    from django.utils import timezone

    return in_force(timezone.localdate())
