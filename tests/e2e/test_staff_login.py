"""A real browser logs in with password and TOTP code and sees the dashboard shell."""

import pytest

from accounts.models import TOTPDevice
from tests.factories import PASSWORD, StaffFactory, totp_now

pytestmark = pytest.mark.e2e


@pytest.fixture
def supervisor(transactional_db):
    return StaffFactory().persona("supervisor")


def test_it_logs_in_with_password_and_totp_and_shows_the_dashboard(live_server, page, supervisor):
    page.goto(live_server.url + "/")
    assert page.url.endswith("/login/?next=/")
    # The staff UI starts in Ukrainian, whatever the browser's language.
    assert page.locator("h1").inner_text() == "Вхід для персоналу"
    page.select_option("#language", "en")
    page.click("form.lang button")
    assert page.locator("h1").inner_text() == "Staff login"
    page.fill("#id_username", "supervisor")
    page.fill("#id_password", PASSWORD)
    page.fill("#id_code", totp_now(TOTPDevice.objects.get(user=supervisor)))
    page.click("button.primary")
    page.wait_for_url(live_server.url + "/")
    assert page.locator("h1").inner_text() == "Dashboard"
    nav = page.locator("header nav").inner_text()
    assert "Dashboard" in nav and "My account" in nav
    assert "Audit log" not in nav and "Staff" not in nav  # not a supervisor's pages
    page.click("text=Log out")
    assert "/login/" in page.url


def test_it_refuses_a_wrong_code_in_the_browser(live_server, page, supervisor):
    page.context.add_cookies([{"name": "corridor_language", "value": "en", "url": live_server.url}])
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", "supervisor")
    page.fill("#id_password", PASSWORD)
    page.fill("#id_code", "000000")
    page.click("button.primary")
    assert "The user name, password or code is wrong." in page.locator(".errors").inner_text()
