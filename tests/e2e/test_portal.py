"""A real browser with JavaScript disabled applies in Russian, receives a codename, and after a
staff reply logs in again and reads it."""

import re

import pytest

from cases import messages
from cases.models import Case
from tests.factories import StaffFactory
from tests.vault.conftest import unlocked

from .conftest import ARGS, CHROMIUM  # noqa: F401  (documented launch settings)

pytestmark = pytest.mark.e2e

ANSWERS = {
    "who": "serviceman",
    "name": "Кузьминов Максим",
    "born": "02.03.1994",
    "situation": "training",
    "phone": "+7 900 111 22 33",
}


@pytest.fixture
def portal_page(browser):
    # Tor Browser "Safest": no JavaScript; it also announces en-US whatever its user reads.
    context = browser.new_context(java_script_enabled=False, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def operator(transactional_db):
    from accounts.models import Team
    from vault import teams

    staff = StaffFactory()
    intake = Team.objects.create(name="Intake", kind=Team.Kind.INTAKE)
    user = staff.make("operator", roles=["operator"], teams=[intake])
    teams.create_first_key(intake, holders=[user])
    return unlocked(user)  # he acts with the keys his session would open


def _answer_current(page):
    """Answer the question on screen from ANSWERS (empty when not listed)."""
    qid = page.locator("fieldset").get_attribute("data-question")
    value = ANSWERS.get(qid, "")
    if page.locator('input[type="radio"][name="answer"]').count():
        if value:
            page.check(f'input[name="answer"][value="{value}"]')
    else:
        page.locator('[name="answer"]').fill(value)
    page.click('button[value="next"]')


def test_an_applicant_applies_without_javascript_and_reads_the_reply(
    live_server, portal_page, operator
):
    page = portal_page
    page.goto(live_server.url + "/portal/")
    assert page.locator("html").get_attribute("lang") == "ru"
    page.click("a.button.primary")
    for _ in range(30):
        if page.locator("table.review").count():
            break
        _answer_current(page)
    assert page.locator("table.review").count()
    page.click('form[action$="/apply/send/"] button')
    words = page.locator("ol.codename li > span:first-child").all_inner_texts()
    latin = [w.strip("()") for w in page.locator("ol.codename li span.latin").all_inner_texts()]
    assert len(words) == len(latin) == 6 and all(re.fullmatch(r"[а-яё]+", w) for w in words)
    phrase = page.locator("p.phrase").inner_text()
    assert len(phrase.split()) == 3
    page.check('input[name="choice"][value="0"]')
    page.click("form button.primary")

    case = Case.objects.get()
    assert case.channel == "portal"
    messages.to_applicant(case, "Ваша заявка получена. Ждите указаний.", actor=operator)

    page.goto(live_server.url + "/portal/login/")
    page.fill("#codename", " ".join(latin).upper())  # a phone with only a Latin keyboard
    page.click("form button.primary")
    page.wait_for_url(re.compile(r".*/portal/inbox/$"))
    assert "Ваша заявка получена. Ждите указаний." in page.locator("main").inner_text()


def test_a_mistyped_word_is_named_in_the_browser(live_server, portal_page, operator):
    page = portal_page
    page.goto(live_server.url + "/portal/login/")
    page.fill("#codename", "abacus abdomen zzqx acid acorn acre actress")
    page.click("form button.primary")
    assert "zzqx" in page.locator(".error").inner_text()


def test_after_applying_and_logging_out_the_browser_keeps_nothing(
    live_server, portal_page, operator
):
    """The phone's browser, JavaScript off: a whole application, a login, a reply, a logout;
    then no cookie and no storage of the portal's origin is left."""
    page = portal_page
    page.goto(live_server.url + "/portal/")
    programme = page.title()
    page.click("a.button.primary")
    for _ in range(30):
        if page.locator("table.review").count():
            break
        assert programme not in page.title()
        _answer_current(page)
    page.click('form[action$="/apply/send/"] button')
    words = page.locator("ol.codename li > span:first-child").all_inner_texts()
    page.check('input[name="choice"][value="1"]')
    page.click("form button.primary")
    for cookie in page.context.cookies():
        assert cookie["expires"] == -1, cookie  # session cookies only, even before logout
    page.goto(live_server.url + "/portal/login/")
    page.fill("#codename", " ".join(words))
    page.click("form button.primary")
    page.wait_for_url(re.compile(r".*/portal/inbox/$"))
    page.fill("textarea[name=text]", "Понял.")
    page.click("form[action$='/inbox/reply/'] button")
    assert page.title() and programme not in page.title()
    page.click("form[action$='/logout/'] button")
    page.wait_for_url(re.compile(r".*/portal/$"))
    state = page.context.storage_state()
    assert state["cookies"] == [] and state["origins"] == []
