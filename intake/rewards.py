"""The reward table of the portal: the schedule in force today (rewards/schedules.py reads it
from ``programmes/<programme>/rewards/``; assessments and payouts use the same data)."""

from rewards import schedules


def table(language: str) -> dict:
    try:
        schedule = schedules.current()
    except (schedules.ScheduleError, schedules.NoSchedule):
        # The start-up check (rewards/checks.py) names the problem; the page stays up.
        return {"law": "", "effective": None, "rows": [], "conditions": []}
    rows = [
        {
            "id": category.id,
            "label": category.label_in(language),
            "low": _amount(category.low),
            "high": _amount(category.high),
        }
        for category in schedule.categories.values()
    ]
    return {
        "law": schedule.law_in(language),
        "effective": schedule.effective,
        "rows": rows,
        "conditions": [c.get(language) or c["en"] for c in schedule.conditions],
    }


def _amount(usd) -> str:
    """1000000 -> "1 000 000" (a narrow space, as Russian and Ukrainian write thousands)."""
    return f"{int(usd):,}".replace(",", "\u202f")
