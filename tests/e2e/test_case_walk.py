"""A case officer walks a case from new to verified through the console in a real browser."""

import pytest

from accounts.models import TOTPDevice
from cases.models import Case
from tests.factories import PASSWORD, StaffFactory, totp_now

pytestmark = pytest.mark.e2e


@pytest.fixture
def officer_and_case(transactional_db):
    from accounts.models import Team
    from intake import service
    from intake.questionnaire import current
    from vault import teams

    intake = Team.objects.create(name="Intake", kind=Team.Kind.INTAKE)
    officer = StaffFactory().make("officer", roles=["case_officer"], teams=[intake])
    teams.create_first_key(intake, holders=[officer])
    case = service.submit(
        current(),
        {"who": "serviceman", "name": "Кузьминов Максим"},
        channel="hotline",
        language="ru",
    ).case
    return officer, case


def test_an_officer_moves_a_case_from_new_to_verified(live_server, page, officer_and_case):
    officer, case = officer_and_case
    page.context.add_cookies([{"name": "corridor_language", "value": "en", "url": live_server.url}])
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", "officer")
    page.fill("#id_password", PASSWORD)
    page.fill("#id_code", totp_now(TOTPDevice.objects.get(user=officer)))
    page.click("button.primary")
    page.click("text=Cases")
    page.click(f"text={case.number}")
    assert "Кузьминов Максим" in page.locator("main").inner_text()  # decrypted with his keys
    page.click("button:has-text('Start screening')")
    page.click("button:has-text('Mark verified')")
    assert "Verified" in page.locator("dl.facts").inner_text()
    case.refresh_from_db()
    assert case.status == Case.Status.VERIFIED
