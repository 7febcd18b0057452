"""The capture card PDF and the national information bureau export (Art. 70, 122): the right
fields, fonts embedded, downloads only (nothing left on disk), each audited without personal
data, nothing that names the programme or a surrender."""

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from pypdf import PdfReader

from audit.models import Event
from reception import bureau, custody


def _client(programme, role="case_officer"):
    client = programme.staff.client(programme.users[role])
    client.cookies["corridor_language"] = "en"
    return client


def _text(data: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def _files() -> set:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*")} if root.exists() else set()


def test_the_capture_card_pdf_carries_the_model_cards_items(programme, registered):
    card = registered.capture_cards.get()
    before = _files()
    response = _client(programme).get(
        f"/reception/cases/{registered.number}/cards/{card.pk}/card.pdf"
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert (
        response["Cache-Control"] == "no-store" and "attachment" in response["Content-Disposition"]
    )
    text = _text(response.content)
    for expected in ("Сидоренко", "Иван Петрович", "рядовой", "1994-03-17", "АБ-123456", "Пётр",
                     "Псков", "Российская Федерация", "Capture card for prisoner of war",
                     "Date of birth", "State of health"):  # fmt: skip
        assert expected in text, expected
    assert "взят в плен" in text.lower() or "taken prisoner" in text.lower()
    for absent in (registered.number, "Corridor", "surrender", "сдал", "блиндаж", "водонапір"):
        assert absent not in text
    fonts = PdfReader(io.BytesIO(response.content)).pages[0]["/Resources"]["/Font"].values()
    for font in fonts:
        descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert "/FontFile2" in descriptor  # embedded
    # Every value is printed on the card, not past its right edge (seen with gs/pdftoppm once).
    page = PdfReader(io.BytesIO(response.content)).pages[0]
    width, xs = float(page.mediabox.width), []
    page.extract_text(visitor_text=lambda t, cm, tm, fd, fs: t.strip() and xs.append(tm[4]))
    assert xs and max(xs) < width * 0.8
    assert _files() == before
    event = Event.objects.get(action="capture_card_printed")
    assert event.detail == {"reason": "capture"}


def test_the_bureau_export_has_the_art122_fields_as_json_and_csv(programme, registered):
    client = _client(programme)
    before = _files()
    response = client.get(f"/reception/cases/{registered.number}/bureau.json")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert tuple(data) == bureau.FIELDS
    assert data["surname"] == "Сидоренко" and data["date_of_birth"] == "1994-03-17"
    assert data["father_first_name"] == "Пётр" and data["place_of_birth"] == "Псков"
    assert data["power"] == "Российская Федерация" and data["health"] == "Slightly wounded"
    assert data["captured_on"] == registered.custody.taken_at.date().isoformat()
    response = client.get(f"/reception/cases/{registered.number}/bureau.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1 and tuple(rows[0]) == bureau.FIELDS
    assert rows[0]["service_number"] == "АБ-123456"
    for body in (json.dumps(data, ensure_ascii=False), response.content.decode("utf-8-sig")):
        assert registered.number not in body and "блиндаж" not in body
    assert _files() == before
    events = Event.objects.filter(action="bureau_export").order_by("seq")
    assert [e.detail["format"] for e in events] == ["json", "csv"]
    for event in events:
        assert "Сидоренко" not in json.dumps(event.detail, ensure_ascii=False)


def test_a_csv_cell_cannot_become_a_spreadsheet_formula():
    row = {name: "" for name in bureau.FIELDS}
    row.update(surname="=HYPERLINK(1)", events=[])
    data, _type = bureau.render(row, "csv")
    assert ",'=HYPERLINK(1)" in data.decode("utf-8-sig") or "'=HYPERLINK" in data.decode(
        "utf-8-sig"
    )


def test_an_operator_cannot_export(programme, registered):
    response = _client(programme, "operator").get(
        f"/reception/cases/{registered.number}/bureau.json"
    )
    assert response.status_code == 404
    assert not Event.objects.filter(action="bureau_export").exists()


def test_a_seized_capture_card_or_export_names_no_case_in_its_file_name(programme, registered):
    """Whoever seizes a downloaded card or bureau file (a laptop, a mail to the bureau) must not
    read the programme's case number off its name: the card names no programme, so its file
    must not either (as the drop notes' file names do not)."""
    client = _client(programme)
    card = registered.capture_cards.get()
    base = f"/reception/cases/{registered.number}"
    for url in (f"{base}/cards/{card.pk}/card.pdf", f"{base}/bureau.json", f"{base}/bureau.csv"):
        response = client.get(url)
        assert response.status_code == 200, url
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment")
        assert registered.number not in disposition, url
        assert registered.number.replace("-", "") not in disposition, url


def test_the_bureau_export_gives_the_state_of_health_in_words_not_a_code(
    programme, officer, registered
):
    """The bureau reads the model card's words in the export's language with the English
    beside them, never an internal code such as "slightly_wounded"."""
    custody.record_event(
        registered,
        "sickness",
        {"occurred_at": timezone.now() - timedelta(hours=1), "health": "sick"},
        actor=officer,
    )
    client = _client(programme)
    client.cookies["corridor_language"] = "uk"
    response = client.get(f"/reception/cases/{registered.number}/bureau.json")
    data = json.loads(response.content)
    assert data["health"] == "Легко поранений (Slightly wounded)"
    assert data["events"][0]["health"] == "Хворий (Sick)"
    csv_body = client.get(f"/reception/cases/{registered.number}/bureau.csv").content
    assert "slightly_wounded" not in csv_body.decode("utf-8-sig")
    assert "Хворий (Sick)" in csv_body.decode("utf-8-sig")
