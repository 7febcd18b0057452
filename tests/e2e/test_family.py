"""A case officer lists a relative of a family-first case and moves him to safe in a real
browser; the case page's "Schedule the exit" says why it waits until then."""

import pytest

from accounts.models import TOTPDevice
from cases.models import Case
from family.models import Relative
from tests.factories import PASSWORD, totp_now

from .axe import assert_accessible

pytestmark = pytest.mark.e2e


@pytest.fixture
def family_first_case(transactional_db, programme):
    from tests.vault.conftest import make_case

    return make_case(programme.teams["intake"], status=Case.Status.PLANNING, language="ru")


@pytest.fixture
def page(browser):
    """With the CSP bypassed so that axe-core can run (as tests/e2e/test_accessibility.py)."""
    context = browser.new_context(bypass_csp=True, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def test_an_officer_lists_a_relative_and_moves_him_to_safe(
    live_server, page, programme, family_first_case
):
    case, officer = family_first_case, programme.users["case_officer"]
    page.context.add_cookies([{"name": "corridor_language", "value": "en", "url": live_server.url}])
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", officer.username)
    page.fill("#id_password", PASSWORD)
    page.fill("#id_code", totp_now(TOTPDevice.objects.get(user=officer)))
    page.click("button.primary")
    page.goto(f"{live_server.url}/cases/{case.number}/")
    # Scheduling is shown refused, with the first reason, where its button is.
    assert page.locator("button:has-text('Schedule the exit')").is_disabled()
    assert "There is no approved instruction" in page.locator("#refused-schedule").inner_text()
    assert_accessible(page, "case page with a refused step")
    page.click("text=Family: 0 relatives")
    page.click("button:has-text('List the relative')")  # nothing typed: the errors
    assert "Give the name." in page.locator("main").inner_text()
    assert_accessible(page, "family page with errors")
    assert "Family first: no relative is listed." in page.locator("#family-blocker").inner_text()
    page.select_option("#id_relation", "spouse")
    page.fill("#id_name", "Марина Лапина")
    page.fill("#id_location", "Ростов-на-Дону")
    page.click("button:has-text('List the relative')")
    assert "Relative listed." in page.locator("main").inner_text()
    assert "1 relative is not safe yet" in page.locator("#family-blocker").inner_text()
    page.click("text=Open and change")
    assert_accessible(page, "relative page")
    assert "Марина Лапина" in page.locator("dl.facts").inner_text()
    for step in ("contact", "plan", "depart", "arrive"):
        page.select_option("#id_step", step)
        page.click("button:has-text('Change the status')")
        assert "Relocation status changed." in page.locator("main").inner_text()
    assert page.locator("#relocation-status").inner_text() == "Safe"
    page.click("text=Back to the family")
    assert "Every listed relative is safe" in page.locator("main").inner_text()
    assert Relative.objects.get(case=case).status == Relative.Status.SAFE
