"""The structured export for the national information bureau (GC III Art. 122): one prisoner
per export, as JSON or CSV, built in memory and handed to the browser as a download.

Only Art. 122's data and the Art. 70/122 events (capture, hospital admissions, transfers):
never the case number, the programme or the word "surrender" (papers record "captured": a
surrender is a crime in Russia, DOMAIN.md), never media, never the custody place or property.
"""

import csv
import io
import json

from django.utils import translation

from reception.custody import HEALTH
from reception.models import CustodyEvent

# Art. 122 (4): surname, first names, rank, army, regimental, personal or serial number, place
# and full date of birth, the Power on which he depends, father's first name, mother's maiden
# name, name and address of the person to be informed, address for correspondence.
FIELDS = (
    "surname",
    "first_names",
    "rank",
    "service_number",
    "place_of_birth",
    "date_of_birth",
    "power",
    "father_first_name",
    "mother_maiden_name",
    "next_of_kin",
    "mail_address",
    "captured_on",
    "health",
    "events",
)
FORMATS = {"json": "application/json", "csv": "text/csv; charset=utf-8"}


def health_label(code: str) -> str:
    """The model card's words for a state of health in the export's language (the exporting
    user's), with the English beside them when different, as the capture card prints them;
    never the internal code."""
    if code not in HEALTH:
        return ""
    label = str(HEALTH[code])
    with translation.override("en"):
        english = str(HEALTH[code])
    return label if label == english else f"{label} ({english})"


def row(case, registration: dict, custody: dict, events: list[tuple[CustodyEvent, dict]]) -> dict:
    """The bureau's record of one prisoner from his opened registration, custody and events
    (an event whose record the user cannot open is listed by kind and date only)."""
    out = {name: registration.get(name, "") for name in FIELDS[:11]}
    out["captured_on"] = (custody.get("taken_at") or "")[:10]
    out["health"] = health_label(custody.get("health", ""))
    out["events"] = [
        {
            "kind": event.kind,
            "date": ((values or {}).get("occurred_at") or event.occurred_at.isoformat())[:10],
            "place": (values or {}).get("place", "") if event.kind != "sickness" else "",
            "health": health_label((values or {}).get("health", "")),
        }
        for event, values in events
    ]
    return out


def render(record: dict, fmt: str) -> tuple[bytes, str]:
    if fmt == "json":
        data = json.dumps(record, ensure_ascii=False, indent=2).encode()
        return data, FORMATS["json"]
    flat = dict(record)
    flat["events"] = "; ".join(
        " ".join(part for part in (e["date"], e["kind"], e["place"], e["health"]) if part)
        for e in record["events"]
    )
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerow({k: _cell(v) for k, v in flat.items()})
    # A BOM so that spreadsheet programs read the Cyrillic as UTF-8.
    return ("\ufeff" + out.getvalue()).encode(), FORMATS["csv"]


def _cell(value) -> str:
    """No formula injection: a cell that a spreadsheet would evaluate is quoted as text."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
