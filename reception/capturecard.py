"""The capture card (GC III Art. 70, model card of Annex IV B) as a PDF: the items of the model
card, pre-filled from his registration for him to check, strike out and sign, in his language
with English beside. DejaVu fonts are embedded (Cyrillic), black on white.

It names no programme and no surrender (papers record "captured"; DOMAIN.md) and carries no
photo, no custody place and no property: only what the model card asks.
"""

import logging

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from planning.dropnote import FONT_DIR
from reception.custody import HEALTH
from reception.models import CaptureCard

logging.getLogger("fontTools").setLevel(logging.WARNING)

A5 = (148.0, 210.0)
MARGIN = 10.0
ITEMS = (
    ("power", gettext_lazy("Power on which the prisoner depends")),
    ("surname", gettext_lazy("Surname")),
    ("first_names", gettext_lazy("First names")),
    ("father_first_name", gettext_lazy("First name of father")),
    ("date_of_birth", gettext_lazy("Date of birth")),
    ("place_of_birth", gettext_lazy("Place of birth")),
    ("rank", gettext_lazy("Rank")),
    ("service_number", gettext_lazy("Service number")),
    ("next_of_kin", gettext_lazy("Address of family")),
    ("since", gettext_lazy("Taken prisoner on / coming from")),
    ("health", gettext_lazy("State of health")),
    ("mail_address", gettext_lazy("My present address")),
    ("date", gettext_lazy("Date")),
)
SINCE = {
    CaptureCard.Reason.CAPTURE: gettext_lazy("taken prisoner on %(date)s"),
    CaptureCard.Reason.SICKNESS: gettext_lazy("sick since %(date)s"),
    CaptureCard.Reason.HOSPITAL: gettext_lazy("coming from hospital admission on %(date)s"),
    CaptureCard.Reason.TRANSFER: gettext_lazy("transferred on %(date)s"),
}


def fields(registration: dict, custody: dict, event: dict | None, card: CaptureCard) -> dict:
    """The card's values (not yet translated labels): from the registration, the custody
    record, and the event that made this card (sickness, hospital, transfer), if any."""
    source = event if event else custody
    when = (source.get("occurred_at") or source.get("taken_at") or "")[:10]
    health = (event or {}).get("health") or custody.get("health") or ""
    return {
        **{key: registration.get(key, "") for key, _label in ITEMS},
        "since": (card.reason, when),
        "health": health,
        "date": timezone.localdate().isoformat(),
    }


def _shown(key: str, value) -> str:
    if key == "since":
        reason, when = value
        return str(SINCE[reason]) % {"date": when} if when else ""
    if key == "health":
        return str(HEALTH.get(value, "")) if value else ""
    return str(value or "")


def pdf(values: dict, language: str) -> bytes:
    """One A5 card. Labels in ``language`` (his), with the English below each when different."""
    language = language if language in ("ru", "uk", "en") else "ru"
    with translation.override(language):
        title = _("Capture card for prisoner of war")
        rows = [(key, str(label), _shown(key, values.get(key))) for key, label in ITEMS]
        note = _("Strike out what does not apply. He gives only what he wishes to give.")
        sign = _("Signature")
    with translation.override("en"):
        english = {key: str(label) for key, label in ITEMS}
        english_title = _("Capture card for prisoner of war")
    doc = FPDF(unit="mm", format=A5)
    doc.set_auto_page_break(True, MARGIN)
    doc.set_margins(MARGIN, MARGIN, MARGIN)
    doc.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    doc.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    doc.set_title(english_title)
    doc.set_creator("")
    doc.set_producer("")
    doc.add_page()
    width = A5[0] - 2 * MARGIN
    doc.set_font("DejaVu", "B", 13)
    doc.multi_cell(width, 6.5, title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if english_title != title:
        doc.set_font("DejaVu", "", 9)
        doc.multi_cell(width, 4.5, english_title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.ln(3)
    for number, (key, label, value) in enumerate(rows, start=1):
        doc.set_font("DejaVu", "", 7.5)
        caption = f"{number}. {label}"
        if english[key] != label:
            caption += f" / {english[key]}"
        doc.multi_cell(width, 3.8, caption, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        doc.set_font("DejaVu", "B", 10.5)
        doc.multi_cell(
            width, 5.5, value or " ", border="B", align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        doc.ln(1.2)
    doc.ln(2)
    doc.set_font("DejaVu", "", 8)
    doc.multi_cell(width, 4, note, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.ln(6)
    doc.multi_cell(
        width,
        5,
        f"{sign}: ______________________________",
        align="L",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    return bytes(doc.output())
