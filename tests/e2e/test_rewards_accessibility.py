"""The reward pages (list with its form, an item with a refused step, rates with problems, the
report) pass the same WCAG 2.2 AA checks as the other staff pages."""

from datetime import date

import pytest

from tests.factories import StaffFactory
from tests.vault.conftest import make_case, unlocked

from .axe import assert_accessible
from .test_accessibility import _log_in, axe_page  # noqa: F401  (fixture)

pytestmark = pytest.mark.e2e


def test_the_reward_pages_are_accessible(live_server, axe_page, transactional_db):  # noqa: F811
    from accounts.models import Team
    from rewards import equipment
    from vault import teams

    intake = Team.objects.create(name="Intake", kind=Team.Kind.INTAKE)
    finance = Team.objects.create(name="Finance", kind=Team.Kind.FINANCE)
    officer = StaffFactory().make("finance", roles=["finance_officer"], teams=[finance])
    teams.create_first_key(finance, holders=[officer])
    teams.create_first_key(intake, holders=[])
    case = make_case(intake)
    item = equipment.record_item(
        case,
        {
            "category": "mlrs",
            "handed_over_on": date(2023, 8, 9),
            "model": "BM-21",
            "identifiers": "",
            "notes": "",
            "voluntary": True,
            "serviceable": True,
            "armament": True,
            "documents": False,
        },
        actor=unlocked(officer),
    )
    base = live_server.url
    axe_page.context.add_cookies([{"name": "corridor_language", "value": "en", "url": base}])
    _log_in(axe_page, base, officer)
    for path in ("/rewards/", f"/rewards/items/{item.pk}/", "/rewards/rates/", "/rewards/report/"):
        axe_page.goto(base + path)
        assert_accessible(axe_page, f"reward page {path}")
    axe_page.goto(f"{base}/rewards/items/{item.pk}/")
    axe_page.fill("#id_amount", "40000")
    axe_page.click("form:has(#id_amount) button.primary")
    assert axe_page.locator(".error").count()
    assert_accessible(axe_page, "refused amount")
    axe_page.goto(base + "/rewards/rates/")
    axe_page.fill("#id_text", "date,currency,rate\n2023-13-01,UAH,x\n")
    axe_page.click("form button.primary")
    assert axe_page.locator(".errors").count()
    assert_accessible(axe_page, "rates with problems")
