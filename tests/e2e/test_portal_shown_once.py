"""JavaScript off: the codename page has no language switch that would reload it without the
codename, and the codename page's address opened again (a reload, a bookmark, a language switch
on the page after it) explains itself in the applicant's language instead of a blank 405."""

import re

import pytest

from .test_portal import _answer_current, operator, portal_page  # noqa: F401  (fixtures)

pytestmark = pytest.mark.e2e


def test_the_codename_stays_on_screen_and_a_reload_explains_itself(
    live_server,
    portal_page,  # noqa: F811  (the fixture imported above)
    operator,  # noqa: F811
):
    page = portal_page
    page.goto(live_server.url + "/portal/")
    page.click("a.button.primary")
    for _ in range(30):
        if page.locator("table.review").count():
            break
        _answer_current(page)
    page.click('form[action$="/apply/send/"] button')
    words = page.locator("ol.codename li > span:first-child").all_inner_texts()
    assert len(words) == 6
    # No button on this page can reload it: the language was chosen before applying.
    assert page.locator("header form.lang").count() == 0
    assert page.locator('button[name="language"]').count() == 0
    page.check('input[name="choice"][value="0"]')
    page.click("form button.primary")
    # The page after it still switches language: it lands on a page that says what to do.
    page.click('button[name="language"][value="uk"]')
    assert page.locator("html").get_attribute("lang") == "uk"
    assert "лише один раз" in page.locator("h1").inner_text()
    assert page.locator('a[href="/portal/login/"]').count()
    # A direct GET of the codename page's address, in Russian.
    page.click('button[name="language"][value="ru"]')
    response = page.goto(live_server.url + "/portal/apply/send/")
    assert response.status == 200
    text = page.locator("main").inner_text()
    assert "только один раз" in text and not any(w in text for w in words)
    assert re.search("Подать заявку ещё раз", text)


def test_the_explaining_pages_are_accessible(live_server, browser, transactional_db):
    from .axe import assert_accessible

    context = browser.new_context(bypass_csp=True, locale="en-US")  # axe needs its script
    page = context.new_page()
    page.goto(live_server.url + "/portal/apply/send/")
    assert_accessible(page, "codename shown once")
    page.goto(live_server.url + "/portal/logout/")
    assert_accessible(page, "a POST-only address opened with GET")
    context.close()
