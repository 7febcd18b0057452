"""The reception pages: custody and registration through the staff UI; the form says which
items are compulsory; bad input gets the form back with its errors, never a 500."""

from datetime import timedelta

from django.utils import timezone

from cases.models import Case
from reception.models import Custody, Registration
from tests.vault.conftest import unlocked


def _client(programme, role="case_officer", language="en"):
    client = programme.staff.client(programme.users[role])
    client.cookies["corridor_language"] = language
    return client


def test_an_officer_records_custody_and_registration_through_the_pages(programme, under_way):
    client = _client(programme)
    base = f"/reception/cases/{under_way.number}/"
    page = client.get(base).content.decode()
    assert "Record custody" in page
    taken = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        base + "custody/",
        {"taken_at": taken, "place": "блиндаж", "receiving_unit": "92", "health": "good"},
    )
    assert response.status_code == 302
    assert Custody.objects.filter(case=under_way).exists()
    client.post(f"/cases/{under_way.number}/move/receive/")
    under_way.refresh_from_db()
    assert under_way.status == Case.Status.RECEIVED
    form = client.get(base + "register/").content.decode()
    assert form.count("(compulsory)") == 5
    assert "must give only his surname, first names, rank, date of birth and service number" in form
    response = client.post(
        base + "register/",
        {
            "surname": "Сидоренко",
            "first_names": "Иван",
            "rank": "рядовой",
            "date_of_birth": "1994-03-17",
            "service_number": "АБ-123456",
            "no_coercion": "on",
        },
    )
    assert response.status_code == 302
    assert Registration.objects.filter(case=under_way).exists()
    page = client.get(base).content.decode()
    assert "Сидоренко" in page and "confirmed that no coercion was used" in page


def test_a_registration_without_the_confirmation_gets_the_form_back_translated(programme, received):
    client = _client(programme, language="uk")
    response = client.post(
        f"/reception/cases/{received.number}/register/",
        {"surname": "Сидоренко", "first_names": "Иван", "rank": "рядовой",
         "date_of_birth": "не дата", "service_number": "АБ-123456"},
    )  # fmt: skip
    assert response.status_code == 400
    text = response.content.decode()
    assert "Підтвердьте, що жодного примусу не застосовано." in text
    assert "Вкажіть дату." in text
    assert 'value="Сидоренко"' in text  # nothing typed is lost
    assert not Registration.objects.filter(case=received).exists()


def test_bad_custody_input_gets_the_form_back(programme, under_way):
    response = _client(programme).post(
        f"/reception/cases/{under_way.number}/custody/",
        {"taken_at": "2099-01-01T10:00", "place": "x", "receiving_unit": "y", "health": "good",
         "property": "ніж"},
    )  # fmt: skip
    assert response.status_code == 400
    text = response.content.decode()
    assert "This time is in the future." in text
    assert "Property taken needs the number of the receipt given." in text


def test_an_operator_sees_the_reception_page_but_no_forms(programme, received):
    unlocked(programme.users["operator"])
    page = _client(programme, "operator").get(f"/reception/cases/{received.number}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Register as prisoner of war" not in text and "Mark sent" not in text
    assert "блиндаж" not in text


def test_the_case_page_links_to_the_reception(programme, received):
    page = _client(programme).get(f"/cases/{received.number}/").content.decode()
    assert f"/reception/cases/{received.number}/" in page


def test_a_correction_starts_from_the_registration_as_it_stands(programme, registered):
    form = _client(programme).get(f"/reception/cases/{registered.number}/register/")
    text = form.content.decode()
    assert 'value="Сидоренко"' in text and 'value="1994-03-17"' in text
    assert 'id="id_no_coercion" checked' not in text  # confirmed anew each time


def test_the_reception_page_title_holds_no_markup(programme, under_way):
    """The title block was left open: the media section (a form) landed in <title> and the
    browser tab showed its raw HTML."""
    page = _client(programme).get(f"/reception/cases/{under_way.number}/").content.decode()
    title = page[page.index("<title>") : page.index("</title>")]
    assert "<section" not in title and "<form" not in title
    assert page.count('id="media"') == 1


def test_the_reception_page_names_the_next_step_on_the_case_page(programme, under_way):
    """Custody recorded on a case still under way: registration waits for "Received", which is
    a button on the case page; the reception page says so instead of a dead end."""
    client = _client(programme, language="uk")
    base = f"/reception/cases/{under_way.number}/"
    page = client.get(base).content.decode()
    assert "Далі: позначте справу" not in page
    taken = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    client.post(
        base + "custody/",
        {"taken_at": taken, "place": "блиндаж", "receiving_unit": "92", "health": "good"},
    )
    page = client.get(base).content.decode()
    assert "Далі: позначте справу «Прийнято» на сторінці справи" in page
    assert f'href="/cases/{under_way.number}/"' in page
    client.post(f"/cases/{under_way.number}/move/receive/")
    page = client.get(base).content.decode()
    assert "Далі: позначте справу «Прийнято»" not in page
