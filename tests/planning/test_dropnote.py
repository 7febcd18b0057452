"""Drop notes: fonts embedded, Cyrillic steps and the code readable from the PDF, the QR code
decodes to the portal's onion address (or the hotline); generic notes carry nothing personal."""

import io

import pytest
import zxingcpp
from django.test import override_settings
from PIL import Image
from pypdf import PdfReader

from audit.models import Event
from planning import dropnote, instructions
from planning.models import Instruction
from tests.planning.conftest import approve_plan, unlocked

ONION = "corridorexample" + "x" * 41 + ".onion"
CHANNELS = {"CORRIDOR_PORTAL_HOSTS": [ONION], "CORRIDOR_HOTLINE": "+380 44 000 00 00"}


def _text(data: bytes) -> str:
    """The PDF's text with its line breaks undone (a step may wrap anywhere)."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def _unwrapped(data: bytes) -> str:
    """The text with every line break removed (an onion address wraps mid-word)."""
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).replace(
        "\n", ""
    )


def _qr_codes(data: bytes) -> list[str]:
    found = []
    for page in PdfReader(io.BytesIO(data)).pages:
        for image in page.images:
            picture = Image.open(io.BytesIO(image.data)).convert("L")
            found += [code.text for code in zxingcpp.read_barcodes(picture)]
    return found


def _fonts(data: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(data))
    names = set()
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert "/FontFile2" in descriptor  # embedded, not referenced
        names.add(str(font.get_object()["/BaseFont"]))
    return names


@override_settings(**CHANNELS)
def test_a_personal_note_holds_the_cyrillic_steps_phrase_and_code():
    note = dropnote.personal("ru", phrase="тихий синий берег", code="482-913")
    data = dropnote.pdf(note, "a6")
    text = _text(data)
    assert "Посмотри на дрон и подними руки." in text
    assert "тихий синий берег" in text and "482-913" in text
    assert _qr_codes(data) == [f"http://{ONION}/"]
    assert any("DejaVu" in name for name in _fonts(data))


@override_settings(**CHANNELS)
def test_the_a4_sheet_has_four_cards():
    data = dropnote.pdf(dropnote.generic("ru"), "a4")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert round(width / 72 * 25.4) == 210 and round(height / 72 * 25.4) == 297
    assert _text(data).count("Хочешь жить?") == 4
    assert _qr_codes(data).count(f"http://{ONION}/") >= 1


@override_settings(CORRIDOR_PORTAL_HOSTS=[], CORRIDOR_HOTLINE="+380 44 000 00 00")
def test_without_an_onion_address_the_qr_dials_the_hotline():
    data = dropnote.pdf(dropnote.generic("uk"), "a6")
    assert _qr_codes(data) == ["tel:+380440000000"]
    assert "Подивися на дрон і підніми руки." in _text(data)


@override_settings(CORRIDOR_PORTAL_HOSTS=[], CORRIDOR_HOTLINE="")
def test_no_published_channel_is_refused():
    with pytest.raises(dropnote.NoChannel):
        dropnote.generic("ru")


@override_settings(**CHANNELS)
def test_a_generic_note_carries_only_published_channels():
    data = dropnote.pdf(dropnote.generic("ru"), "a6")
    text = _text(data)
    assert "+380 44 000 00 00" in text and ONION in _unwrapped(data)
    assert "фраза" not in text and "Код" not in text


def test_the_drop_note_data_names_its_problems():
    from planning.procedures import ProcedureError

    with pytest.raises(ProcedureError) as caught:
        dropnote.parse("title: {ru: x}\nsteps:\n  - {ru: 'Иди к {point}'}\n")
    problems = caught.value.problems
    assert (1, "title has no uk text") in problems
    assert (3, "step 1 (ru): placeholder {point} not allowed") in problems
    with pytest.raises(ProcedureError) as caught:
        dropnote.parse("title: [\n")
    assert caught.value.problems[0][1] == "not valid YAML"


# --- the pages ---------------------------------------------------------------------------------


@override_settings(**CHANNELS)
def test_a_planner_prints_a_personal_note_for_a_released_instruction(programme, applicant):
    approve_plan(programme, applicant.case)
    instruction = Instruction.objects.get(status=Instruction.Status.RELEASED)
    officer = programme.users["case_officer"]
    content = instructions._open(instruction.record, officer, unlocked(officer))["content"]
    client = programme.staff.client(officer)
    url = f"/planning/cases/{applicant.case.number}/instructions/{instruction.pk}/note.pdf"
    response = client.get(url + "?layout=a4")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert applicant.case.number not in response["Content-Disposition"]
    text = _text(response.content)
    assert content["code"] in text and applicant.phrase in text
    assert "37U DP" not in text and "Ромашка" not in text  # no point, no code word on paper
    event = Event.objects.get(action="drop_note_printed")
    assert event.detail == {"kind": "personal", "layout": "a4"}


@override_settings(**CHANNELS)
def test_a_field_liaison_prints_a_generic_note(programme):
    client = programme.staff.client(programme.users["field_liaison"])
    response = client.get("/planning/field/note.pdf")
    assert response.status_code == 200
    assert "Хочешь жить?" in _text(response.content)


@pytest.mark.parametrize("role", ["operator", "finance_officer", "outsider"])
def test_other_roles_print_no_notes(programme, role):
    client = programme.staff.client(programme.users[role])
    assert client.get("/planning/field/note.pdf").status_code == 404
