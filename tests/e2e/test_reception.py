"""A case officer records a reception and a POW registration through the staff UI in a real
browser (Debian's Chromium), and the case goes to received and registered; axe-core checks the
reception pages, the registration form's error state included."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import TOTPDevice
from cases.models import Case
from tests.factories import PASSWORD, totp_now

from .axe import assert_accessible

pytestmark = pytest.mark.e2e


@pytest.fixture
def under_way(transactional_db, programme):
    from tests.vault.conftest import make_case
    from vault import records
    from vault.policy import IDENTITY

    case = make_case(programme.teams["intake"], status=Case.Status.IN_PROGRESS, language="ru")
    records.seal(case, IDENTITY, {"name": "Иван Сидоренко"}, kind="answers")
    return case


def _login(page, base, user):
    page.context.add_cookies([{"name": "corridor_language", "value": "en", "url": base}])
    TOTPDevice.objects.filter(user=user).update(last_t=-1)
    page.goto(base + "/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.fill("#id_code", totp_now(TOTPDevice.objects.get(user=user)))
    page.click("button.primary")


def test_an_officer_records_a_reception_and_a_registration(
    live_server, browser, programme, under_way, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    from planning import programme as planning_programme

    context = browser.new_context(bypass_csp=True, locale="en-US")  # axe needs its script
    page = context.new_page()
    page.set_default_timeout(15000)
    base = live_server.url
    _login(page, base, programme.users["case_officer"])
    page.goto(f"{base}/cases/{under_way.number}/")
    page.click("text=Reception and POW registration")
    assert_accessible(page, "reception page, custody form")

    zone = planning_programme.current().staff_zone()
    taken = (timezone.now() - timedelta(hours=3)).astimezone(zone).strftime("%Y-%m-%dT%H:%M")
    page.fill("#id_taken_at", taken)
    page.fill("#id_place", "бліндаж біля посадки")
    page.fill("#id_receiving_unit", "92 ОМБр")
    page.select_option("#id_health", "slightly_wounded")
    page.fill("#id_property", "мобільний телефон")
    page.click("button:has-text('Record custody')")
    assert "receipt" in page.locator("#id_receipt_number_error").inner_text()  # nothing lost
    assert page.input_value("#id_place") == "бліндаж біля посадки"
    assert_accessible(page, "custody form with an error")
    page.fill("#id_receipt_number", "R-0042")
    page.click("button:has-text('Record custody')")
    assert "Custody recorded." in page.locator("main").inner_text()
    assert "бліндаж біля посадки" in page.locator("#custody").inner_text()

    page.click("text=Back to the case")
    page.click("button:has-text('Received')")
    under_way.refresh_from_db()
    assert under_way.status == Case.Status.RECEIVED

    page.click("text=Reception and POW registration")
    page.click("text=Register as prisoner of war")
    assert page.locator("text=(compulsory)").count() == 5
    page.fill("#id_surname", "Сидоренко")
    page.click("button:has-text('Save the registration')")
    assert "Confirm that no coercion was used." in page.locator("main").inner_text()
    assert_accessible(page, "registration form with errors")
    page.fill("#id_first_names", "Иван Петрович")
    page.fill("#id_rank", "рядовой")
    page.fill("#id_date_of_birth", "1994-03-17")
    page.fill("#id_service_number", "АБ-123456")
    page.check("#id_no_coercion")
    page.click("button:has-text('Save the registration')")
    assert "Registration saved." in page.locator("main").inner_text()
    assert "Сидоренко" in page.locator("#registration").inner_text()
    assert_accessible(page, "reception page, registered")

    page.click("text=Back to the case")
    page.click("button:has-text('Registered as POW')")
    under_way.refresh_from_db()
    assert under_way.status == Case.Status.REGISTERED
    assert under_way.capture_cards.filter(sent_at=None).count() == 1
    context.close()


def test_the_reception_facts_stay_inside_their_card_on_a_phone(
    live_server, browser, programme, under_way, settings, tmp_path
):
    """In Russian on a phone, "Принявшее подразделение" pushed the custody values out of their
    card: a long label wraps now, and the page never scrolls sideways."""
    settings.MEDIA_ROOT = str(tmp_path)
    from reception import custody
    from tests.reception.conftest import custody_values
    from tests.vault.conftest import unlocked

    officer = unlocked(programme.users["case_officer"])
    custody.record_custody(
        under_way, custody_values(place="позиция у разрушенной водонапорной башни"), actor=officer
    )
    context = browser.new_context(locale="ru-RU", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15000)
    base = live_server.url
    _login(page, base, programme.users["case_officer"])
    page.context.add_cookies([{"name": "corridor_language", "value": "ru", "url": base}])
    page.goto(f"{base}/reception/cases/{under_way.number}/")
    assert "Принявшее подразделение" in page.locator("#custody").inner_text()
    card = page.locator("#custody").bounding_box()
    for box in page.locator("#custody dd").all():
        right = box.bounding_box()
        assert right["x"] + right["width"] <= card["x"] + card["width"] + 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
