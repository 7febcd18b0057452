"""WCAG 2.2 AA, checked by axe-core in a real browser: every portal page, every question type
and its error state, every login error, the inbox, and the main staff pages. The portal has no
JavaScript of its own; axe needs some, so these contexts allow scripts and bypass the CSP
(the JavaScript-off walk is in test_portal.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import TOTPDevice
from cases import messages
from cases.models import Case
from tests.factories import PASSWORD, StaffFactory, totp_now
from tests.vault.conftest import unlocked

from .axe import assert_accessible

pytestmark = pytest.mark.e2e

# A bad answer per question type, to see each type's error state; None: no error to provoke.
BAD = {"choice": None, "date": "31.02.1990", "phone": "abc", "text": None, "location": None}
GOOD = {
    "who": "serviceman",
    "name": "Кузьминов Максим",
    "born": "02.03.1994",
    "situation": "training",
    "phone": "+7 900 111 22 33",
    "area": "Белгород",
}


@pytest.fixture
def axe_page(browser):
    context = browser.new_context(bypass_csp=True, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def people(transactional_db):
    from accounts.models import Team
    from vault import teams

    intake = Team.objects.create(name="Intake", kind=Team.Kind.INTAKE)
    staff = StaffFactory()
    officer = staff.make(
        "officer", roles=["operator", "case_officer", "supervisor"], teams=[intake]
    )
    teams.create_first_key(intake, holders=[officer])
    admin = staff.make("admin", roles=["admin", "auditor"])
    # The officer acts as in a session of his own: possession decides (vault/possession.py).
    return unlocked(officer), admin


def _question_type(page) -> str:
    qid = page.locator("fieldset").get_attribute("data-question")
    from intake.questionnaire import current

    return current().by_id(qid).type, qid


def _answer(page, value: str):
    if page.locator('input[type="radio"][name="answer"]').count():
        if value:
            page.check(f'input[name="answer"][value="{value}"]')
    else:
        page.locator('[name="answer"]').fill(value)
    page.click('button[value="next"]')


def test_every_portal_page_question_and_error_is_accessible(live_server, axe_page, people):
    page, base = axe_page, live_server.url + "/portal/"
    officer, _admin = people
    page.goto(base)
    assert_accessible(page, "home")
    for slug in ("offer", "rights", "after", "drone", "genuine", "safety", "rewards"):
        page.goto(f"{base}p/{slug}/")
        assert_accessible(page, f"page {slug}")

    page.goto(base + "apply/")
    seen_types, seen_errors = set(), set()
    for _ in range(40):
        if page.locator("table.review").count():
            break
        qtype, qid = _question_type(page)
        if qtype not in seen_types:
            assert_accessible(page, f"question of type {qtype}")
            seen_types.add(qtype)
        bad = BAD.get(qtype)
        if qid == "who" or (bad and qtype not in seen_errors):
            _answer(page, bad or "")
            assert page.locator(".error").count(), qid
            assert_accessible(page, f"error on a {qtype} question")
            seen_errors.add(qtype)
        _answer(page, GOOD.get(qid, ""))
    assert seen_types >= {"choice", "text", "date", "location", "phone"}
    assert_accessible(page, "review")
    page.click('form[action$="/apply/send/"] button')
    assert_accessible(page, "codename page")
    words = page.locator("ol.codename li > span:first-child").all_inner_texts()
    page.check('input[name="choice"][value="0"]')
    page.click("form button.primary")
    assert_accessible(page, "done page")

    page.goto(base + "login/")
    assert_accessible(page, "login")
    for typed in ("один два", " ".join([*words[:3], "zzqx", *words[4:]])):
        page.fill("#codename", typed)
        page.click("form button.primary")
        assert page.locator(".error").count()
        assert_accessible(page, f"login error for {typed!r}")
    page.fill("#codename", " ".join([*words[:-1], words[0]]))  # a wrong check word
    page.click("form button.primary")
    assert_accessible(page, "login error: wrong check word")

    case = Case.objects.get()
    messages.to_applicant(case, "Ваша заявка получена.", actor=officer)
    messages.to_applicant(
        case,
        "Точка: у моста.",
        actor=officer,
        operational=True,
        expires_at=timezone.now() + timedelta(hours=3),
    )
    page.fill("#codename", " ".join(words))
    page.click("form button.primary")
    page.wait_for_url("**/portal/inbox/")
    assert_accessible(page, "inbox with messages")
    page.reload()  # read once: the operational message now offers its delete button
    assert_accessible(page, "inbox with a read operational message")
    page.fill("textarea[name=text]", "Понял.")
    page.click("form[action$='/inbox/reply/'] button")
    assert_accessible(page, "inbox after sending")


def test_the_busy_page_is_accessible(live_server, axe_page, settings, transactional_db):
    settings.CORRIDOR_PORTAL_LOGINS_PER_MINUTE = 0
    axe_page.goto(live_server.url + "/portal/login/")
    axe_page.fill("#codename", "один два")
    axe_page.click("form button.primary")
    assert axe_page.locator("h1").count() == 1
    assert_accessible(axe_page, "busy page")


def _log_in(page, base: str, user):
    page.goto(base + "/login/")
    assert_accessible(page, "staff login")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.fill("#id_code", totp_now(TOTPDevice.objects.get(user=user)))
    page.click("button.primary")


def test_the_main_staff_pages_are_accessible(live_server, axe_page, people):
    from intake import service
    from intake.questionnaire import current

    officer, admin = people
    case = service.submit(
        current(),
        {"who": "serviceman", "name": "Кузьминов Максим"},
        channel="hotline",
        language="ru",
    ).case
    base = live_server.url
    axe_page.context.add_cookies([{"name": "corridor_language", "value": "en", "url": base}])
    _log_in(axe_page, base, officer)
    for path in (
        "/",
        "/cases/",
        "/cases/triage/",
        f"/cases/search/?q={case.number}",
        f"/cases/{case.number}/",
        "/intake/hotline/",
        "/intake/watch-list/",
        "/account/",
    ):
        axe_page.goto(base + path)
        assert_accessible(axe_page, f"staff page {path}")
    axe_page.context.clear_cookies()
    axe_page.context.add_cookies([{"name": "corridor_language", "value": "en", "url": base}])
    _log_in(axe_page, base, admin)
    for path in ("/staff/", f"/staff/{officer.pk}/", "/teams/", "/audit/"):
        axe_page.goto(base + path)
        assert_accessible(axe_page, f"staff page {path}")


def test_the_checks_fail_on_what_they_should_catch(axe_page):
    from .axe import violations

    axe_page.set_content(
        '<!doctype html><html lang="en"><head><title>t</title></head><body><main>'
        '<h1>One</h1><h1>Two</h1><input name="x" aria-describedby="nowhere">'
        '<time datetime="2026-12-04T13:54:31.123456+02:00">today</time></main></body></html>'
    )
    found = {v["id"] for v in violations(axe_page)}
    assert {"label", "missing-id", "datetime", "one-h1"} <= found
