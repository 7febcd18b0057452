"""Drop notes: a paper card a drone drops or a unit leaves for a soldier (the Bakhmut note).

    generic(language)                   -> Note   (published steps and channels only)
    personal(language, phrase, code)    -> Note   (adds his recognition phrase and a code)
    pdf(note, layout="a6" | "a4")       -> bytes  (A6 card, or an A4 sheet of four cards)

A note never carries a point, a window or a signal: paper may fall into the wrong hands, so
operational details stay in the portal inbox or the hotline read-out. A personal note carries
the recognition phrase and the code of a released instruction, which he can check inside his
codename session or with the hotline (no public verifier). Fonts (DejaVu, Cyrillic) are
embedded; the QR code (segno) leads to the portal's onion address, or else the hotline.
Black on white only, so it survives a black-and-white printer.
"""

import io
import logging
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import segno
import yaml
from django.conf import settings
from fpdf import FPDF

from planning.procedures import ProcedureError

# fontTools logs every glyph it keeps at INFO; that is noise in the server's log.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
A6 = (105.0, 148.0)  # mm
A4 = (210.0, 297.0)
MARGIN = 6.0
ALLOWED = {"hotline", "portal", "phrase", "code"}


class NoChannel(Exception):
    """The programme has published neither an onion address nor a hotline."""


@dataclass(frozen=True)
class Note:
    language: str
    title: str
    steps: tuple[str, ...]
    channels: str
    personal: str  # "" for a generic note
    qr: str  # what the QR code encodes


def _lines(text: str) -> dict[str, int]:
    """The line of each top-level key and of each step ("step N"), for messages."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    lines: dict[str, int] = {}
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            lines[key.value] = key.start_mark.line + 1
            if key.value == "steps" and isinstance(value, yaml.SequenceNode):
                for number, node in enumerate(value.value, start=1):
                    lines[f"step {number}"] = node.start_mark.line + 1
    return lines


def _check(data, lines: dict[str, int]) -> list[tuple[int, str]]:
    if not isinstance(data, dict):
        return [(1, "expected a mapping")]
    problems = []
    languages = [code for code, _name in settings.LANGUAGES]
    texts = [("title", data.get("title")), ("channels", data.get("channels"))]
    texts += [("personal", data.get("personal"))]
    texts += [(f"step {n}", s) for n, s in enumerate(data.get("steps") or [], start=1)]
    if not data.get("steps"):
        problems.append((lines.get("steps", 1), "a drop note needs steps"))
    for what, value in texts:
        line = lines.get(what, 1)
        for language in languages:
            text = (value or {}).get(language) if isinstance(value, dict) else None
            if not isinstance(text, str) or not text.strip():
                problems.append((line, f"{what} has no {language} text"))
                continue
            for name in re.findall(r"\{([^{}]*)\}", text):
                if name not in ALLOWED or (name in ("phrase", "code") and what != "personal"):
                    problems.append(
                        (line, f"{what} ({language}): placeholder {{{name}}} not allowed")
                    )
    return problems


def parse(text: str) -> dict:
    """The drop note's texts, or ProcedureError naming the line and reason of every problem."""
    try:
        data, lines = yaml.safe_load(text), _lines(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise ProcedureError([(mark.line + 1 if mark else 0, "not valid YAML")]) from None
    problems = _check(data, lines)
    if problems:
        raise ProcedureError(problems)
    return data


@cache
def data() -> dict:
    return parse((Path(settings.CORRIDOR_PROGRAMME_DIR) / "drop_note.yaml").read_text("utf-8"))


def published_channels() -> tuple[str, str]:
    """(hotline, portal onion URL) as the programme publishes them ("" where none)."""
    onions = [h for h in settings.CORRIDOR_PORTAL_HOSTS if h.endswith(".onion")]
    return settings.CORRIDOR_HOTLINE, (f"http://{onions[0]}/" if onions else "")


def _qr_target() -> str:
    hotline, portal = published_channels()
    if portal:
        return portal
    if hotline:
        return "tel:" + re.sub(r"[^\d+]", "", hotline)
    raise NoChannel("set CORRIDOR_PORTAL_HOSTS (an .onion) or CORRIDOR_HOTLINE")


def _language(language: str) -> str:
    return language if language in dict(settings.LANGUAGES) else "ru"


def generic(language: str = "ru") -> Note:
    lang = _language(language)
    source = data()
    hotline, portal = published_channels()
    return Note(
        language=lang,
        title=source["title"][lang],
        steps=tuple(step[lang] for step in source["steps"]),
        channels=source["channels"][lang].format(hotline=hotline or "—", portal=portal or "—"),
        personal="",
        qr=_qr_target(),
    )


def personal(language: str, *, phrase: str, code: str) -> Note:
    note = generic(language)
    line = data()["personal"][note.language].format(phrase=phrase, code=code)
    return Note(**{**note.__dict__, "personal": line})


# --- PDF -------------------------------------------------------------------------------------


def _qr_png(target: str) -> io.BytesIO:
    out = io.BytesIO()
    segno.make(target, error="m").save(out, kind="png", scale=8, border=2, dark="black")
    out.seek(0)
    return out


def _card(doc: FPDF, note: Note, x: float, y: float, qr: io.BytesIO) -> None:
    """One A6 card with its top-left corner at (x, y)."""
    width = A6[0] - 2 * MARGIN
    doc.set_xy(x + MARGIN, y + MARGIN)
    doc.set_font("DejaVu", "B", 15)
    doc.multi_cell(width, 7, note.title, align="L")
    doc.ln(1.5)
    doc.set_font("DejaVu", "", 11)
    for number, step in enumerate(note.steps, start=1):
        doc.set_x(x + MARGIN)
        doc.multi_cell(width, 5.2, f"{number}. {step}", align="L")
        doc.ln(0.8)
    if note.personal:
        doc.ln(1)
        doc.set_x(x + MARGIN)
        doc.set_font("DejaVu", "B", 10.5)
        doc.set_line_width(0.5)
        doc.multi_cell(width, 5, note.personal, border=1, align="L", padding=1.5)
    qr_size = 30.0
    bottom = y + A6[1] - MARGIN
    doc.image(qr, x=x + A6[0] - MARGIN - qr_size, y=bottom - qr_size, w=qr_size, h=qr_size)
    doc.set_font("DejaVu", "", 8.5)
    doc.set_xy(x + MARGIN, bottom - qr_size)
    doc.multi_cell(width - qr_size - 3, 4.2, note.channels, align="L")


def pdf(note: Note, layout: str = "a6") -> bytes:
    """The note as a PDF: one A6 card, or an A4 sheet of four cards with cutting lines."""
    doc = FPDF(unit="mm", format=A6 if layout == "a6" else A4)
    doc.set_auto_page_break(False)
    doc.set_margins(0, 0, 0)
    doc.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    doc.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    doc.set_title(note.title)
    doc.set_creator("Corridor")
    doc.set_producer("Corridor")
    doc.set_text_color(0, 0, 0)
    doc.set_draw_color(0, 0, 0)
    doc.add_page()
    qr = _qr_png(note.qr)
    if layout == "a6":
        _card(doc, note, 0, 0, qr)
    else:
        for x, y in ((0, 0), (A6[0], 0), (0, A4[1] / 2), (A6[0], A4[1] / 2)):
            qr.seek(0)
            _card(doc, note, x, y, io.BytesIO(qr.getvalue()))
        doc.set_line_width(0.2)
        doc.set_dash_pattern(dash=2, gap=2)
        doc.line(A4[0] / 2, 0, A4[0] / 2, A4[1])
        doc.line(0, A4[1] / 2, A4[0], A4[1] / 2)
    return bytes(doc.output())
