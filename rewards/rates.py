"""Exchange rates: how many units of a currency one US dollar bought on a day, imported from a
CSV (``date,currency,rate``) by ``corridor rewards import-rates`` or the finance page.

Every line is checked and every problem named (line and reason, translated); if any line is
bad nothing is imported. A rate already imported for the same day and currency is skipped when
equal and refused when different (a correction is a decision, not an upload). A payment uses
the rate of its own date: a missing rate is an error (``MissingRate``), never the nearest day.
"""

import csv
import io
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.log import record as audit
from rewards.models import Rate

HEADER = ["date", "currency", "rate"]
_CURRENCY = re.compile(r"\A[A-Z]{3}\Z")
_DATE = re.compile(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_NUMBER = re.compile(r"\A[0-9]{1,12}(\.[0-9]+)?\Z")
MAX_LINES = 5000
CENT = Decimal("0.01")


class RatesInvalid(ValueError):
    """``problems``: (line, message) pairs safe to show."""

    def __init__(self, problems: list[tuple[int, str]]):
        super().__init__(f"{len(problems)} problem(s) in the rates file")
        self.problems = problems


class MissingRate(LookupError):
    message = gettext_lazy("No exchange rate is imported for this currency on this date.")

    def __init__(self, currency: str, on: date):
        super().__init__(f"no {currency} rate on {on.isoformat()}")
        self.currency, self.on = currency, on


def parse(text: str) -> list[tuple[date, str, Decimal]]:
    problems: list[tuple[int, str]] = []
    reader = csv.reader(io.StringIO(text))
    rows = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) > MAX_LINES + 1:
                break
    except csv.Error:  # a cell beyond the csv module's field limit, a stray quote or NUL
        message = _("This line cannot be read as CSV (a value too long or a stray quote).")
        raise RatesInvalid([(reader.line_num, message)]) from None
    if not rows or [c.strip().lower() for c in rows[0]] != HEADER:
        raise RatesInvalid([(1, _("The first line must be: date,currency,rate"))])
    if len(rows) > MAX_LINES + 1:
        raise RatesInvalid(
            [(MAX_LINES + 2, _("Too many lines: at most %(n)d.") % {"n": MAX_LINES})]
        )
    found, seen = [], {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 3:
            problems.append((number, _("Give exactly three values: date, currency, rate.")))
            continue
        day, currency, rate = (cell.strip() for cell in row)
        try:
            if not _DATE.match(day):  # fromisoformat also reads 20230905 and 2023-W36-2
                raise ValueError(day)
            on = date.fromisoformat(day)
        except ValueError:
            problems.append((number, _("The date must be written as YYYY-MM-DD.")))
            on = None
        currency = currency.upper()
        if not _CURRENCY.match(currency):
            problems.append((number, _("The currency must be a three-letter code (UAH, EUR).")))
        elif currency == "USD":
            problems.append((number, _("Rates are per US dollar: USD itself has no rate.")))
        try:
            if not _NUMBER.match(rate):  # Decimal() also reads "3_6", "٣٦", "1e2" and "NaN"
                raise InvalidOperation
            value = Decimal(rate)
            if not value.is_finite() or value <= 0 or value >= Decimal(10) ** 12:
                raise InvalidOperation
            if value.as_tuple().exponent < -6:
                problems.append((number, _("A rate has at most six decimal places.")))
        except InvalidOperation:
            problems.append((number, _("The rate must be a positive number, such as 41.25.")))
            value = None
        if on is not None and value is not None and _CURRENCY.match(currency):
            key = (on, currency)
            if key in seen:
                problems.append(
                    (
                        number,
                        _("This date and currency are already on line %(line)d.")
                        % {"line": seen[key]},
                    )
                )
            seen[key] = number
            found.append((number, on, currency, value))
    if problems:
        raise RatesInvalid(problems)
    if not found:
        raise RatesInvalid([(2, _("The file has no rates."))])
    return found


@transaction.atomic
def import_csv(text: str, *, actor) -> dict:
    """Import every rate of ``text`` or none. Returns {"imported": n, "unchanged": n}."""
    lines = parse(text)
    existing = {
        (r.on, r.currency): r.per_usd
        for r in Rate.objects.filter(on__in={on for _n, on, _c, _v in lines})
    }
    problems, new = [], []
    for number, on, currency, value in lines:
        before = existing.get((on, currency))
        if before is None:
            new.append(
                Rate(
                    on=on,
                    currency=currency,
                    per_usd=value,
                    imported_by=actor,
                    imported_at=timezone.now(),
                )
            )
        elif before != value:
            problems.append(
                (number, _("A different rate for this date and currency is already imported."))
            )
    if problems:
        raise RatesInvalid(problems)
    Rate.objects.bulk_create(new)
    audit(
        "reward_rates_imported",
        actor=actor,
        imported=len(new),
        unchanged=len(lines) - len(new),
        currencies=sorted({c for _n, _o, c, _v in lines}),
    )
    return {"imported": len(new), "unchanged": len(lines) - len(new)}


def rate(on: date, currency: str) -> Decimal:
    return rate_row(on, currency).per_usd


def rate_row(on: date, currency: str) -> Rate:
    """The imported rate of ``currency`` on ``on`` (with who imported it); MissingRate if none."""
    found = Rate.objects.filter(on=on, currency=currency).first()
    if found is None:
        raise MissingRate(currency, on)
    return found


def convert(usd: Decimal, on: date, currency: str) -> Decimal:
    """``usd`` in ``currency`` at the rate of ``on``, to the cent (half up); MissingRate if none."""
    return (usd * rate(on, currency)).quantize(CENT, rounding=ROUND_HALF_UP)


def for_reference(usd: Decimal, on: date, currency: str = "EUR") -> Decimal | None:
    """The same, for display only: None when no rate is imported for that day."""
    try:
        return convert(usd, on, currency)
    except MissingRate:
        return None
