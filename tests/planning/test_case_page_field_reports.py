"""While a field unit runs the exit (an active escort task), the case page offers the officer no
"Exit under way" of his own beside the unit's reports, and says why."""

import pytest

from cases import workflow
from cases.models import Case
from tests.planning.conftest import approve_plan, schedule

EXPLAINED = "A field unit runs this exit"


@pytest.fixture
def officer_client(programme):
    client = programme.staff.client(programme.users["case_officer"])
    client.cookies["corridor_language"] = "en"
    return client


def _page(client, case) -> str:
    return client.get(f"/cases/{case.number}/").content.decode()


def test_with_a_field_unit_running_the_exit_the_officer_has_no_exit_under_way(
    programme, applicant, officer_client
):
    case = applicant.case
    schedule(programme, case)
    html = _page(officer_client, case)
    assert "Exit under way" not in html.split('class="timeline"')[0]
    assert EXPLAINED in html
    assert "Mark failed" in html  # his other steps stay


def test_without_an_escort_task_the_officer_still_has_it(programme, applicant, officer_client):
    case = applicant.case
    approve_plan(programme, case)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.SCHEDULED)  # no field unit task
    html = _page(officer_client, case)
    assert ">Exit under way</button>" in html and EXPLAINED not in html


def test_after_the_unit_s_report_the_page_explains_and_offers_no_start(
    programme, applicant, officer_client
):
    case = applicant.case
    schedule(programme, case)
    workflow.field_start(case, actor=programme.users["field_liaison"])
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS
    html = _page(officer_client, case)
    assert ">Exit under way</button>" not in html and EXPLAINED in html
