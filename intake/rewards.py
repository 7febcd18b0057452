"""The reward schedule as programme data (programmes/<programme>/rewards.yaml), read for the
portal's reward table. The rewards app will add assessments and payouts on the same data."""

from functools import cache
from pathlib import Path

import yaml
from django.conf import settings


@cache
def schedule() -> dict:
    path = Path(settings.CORRIDOR_PROGRAMME_DIR) / "rewards.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def table(language: str) -> dict:
    data = schedule()
    rows = []
    for item in data["categories"]:
        low, high = item["usd"] if isinstance(item["usd"], list) else (item["usd"], item["usd"])
        rows.append(
            {
                "id": item["id"],
                "label": item["label"].get(language) or item["label"]["en"],
                "low": _amount(low),
                "high": _amount(high),
            }
        )
    return {
        "law": data["law"].get(language) or data["law"]["en"],
        "effective": data["effective"],
        "rows": rows,
        "conditions": [c.get(language) or c["en"] for c in data["conditions"]],
    }


def _amount(usd: int) -> str:
    """1000000 -> "1 000 000" (a narrow space, as Russian and Ukrainian write thousands)."""
    return f"{int(usd):,}".replace(",", "\u202f")
