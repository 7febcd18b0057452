"""A field liaison runs an escort task on a phone-sized screen, from "en route" to "handed
over", and the case shows "received"."""

import pytest

from accounts.models import TOTPDevice
from cases.models import Case
from tests.factories import PASSWORD, totp_now

pytestmark = pytest.mark.e2e


@pytest.fixture
def scheduled_task(transactional_db, programme):
    from intake import service
    from intake.questionnaire import current
    from tests.planning.conftest import schedule

    submission = service.submit(
        current(),
        {"who": "serviceman", "name": "Иван Сидоренко", "situation": "front"},
        channel=Case.Channel.PORTAL,
        language="ru",
    )
    Case.objects.filter(pk=submission.case.pk).update(status=Case.Status.PLANNING, unverified=False)
    return submission.case, schedule(programme, submission.case)


def _login(page, live_server, user):
    page.context.add_cookies([{"name": "corridor_language", "value": "en", "url": live_server.url}])
    TOTPDevice.objects.filter(user=user).update(last_t=-1)
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.fill("#id_code", totp_now(TOTPDevice.objects.get(user=user)))
    page.click("button.primary")


def test_a_liaison_runs_a_task_to_handed_over_on_a_phone(
    live_server, browser, programme, scheduled_task
):
    case, task = scheduled_task
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, locale="en-US"
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    _login(page, live_server, programme.users["field_liaison"])
    page.click("text=Field console")
    page.click(f"text=Task {str(task.pk)[:8]}")
    body = page.locator("main").inner_text()
    assert "37U DP 26193 82919" in body and case.number not in body
    # nothing wider than the phone: no horizontal scrolling
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for label in ("En route", "Contact", "Escorting", "Handed over"):
        page.click(f"button:has-text('{label}')")
        assert "Report recorded." in page.locator("main").inner_text()
    assert "No task for your unit." in page.locator("main").inner_text()
    context.close()

    officer = browser.new_context(locale="en-US").new_page()
    officer.set_default_timeout(15000)
    _login(officer, live_server, programme.users["case_officer"])
    officer.goto(f"{live_server.url}/cases/{case.number}/")
    assert "Received" in officer.locator("dl.facts").inner_text()
    case.refresh_from_db()
    assert case.status == Case.Status.RECEIVED
