"""The field console: a liaison reaches only his own unit's tasks, sees point, window, signals
and head count, never the case or anything of identity; pages stay under 30 KB."""

import pytest

from accounts.models import User
from cases.models import Case
from planning.models import EscortTask
from tests.planning.conftest import schedule

LIMIT = 30 * 1024


@pytest.fixture
def scheduled(programme, applicant):
    return applicant, schedule(programme, applicant.case)


def _client(programme, user):
    client = programme.staff.client(user)
    client.cookies["corridor_language"] = "en"
    return client


def test_the_liaison_sees_his_task_and_nothing_of_identity(programme, scheduled):
    submission, task = scheduled
    client = _client(programme, programme.users["field_liaison"])
    listing = client.get("/planning/field/")
    page = client.get(f"/planning/field/tasks/{task.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and str(task.pk)[:8] in listing.content.decode()
    assert "37U DP 26193 82919" in html and "48.59500, 37.99900" in html
    assert "белая повязка" in html and "Ромашка" in html
    for identity in (submission.case.number, "Сидоренко", submission.phrase, "Intake"):
        assert identity not in html and identity not in listing.content.decode()
    for response in (listing, page):
        assert len(response.content) < LIMIT


@pytest.mark.parametrize("path", ["/cases/{n}/", "/planning/cases/{n}/plan/",
                                  "/planning/cases/{n}/instructions/"])  # fmt: skip
def test_the_liaison_reaches_no_case_page(programme, scheduled, path):
    submission, _task = scheduled
    client = _client(programme, programme.users["field_liaison"])
    assert client.get(path.format(n=submission.case.number)).status_code == 404


def test_another_units_liaison_gets_not_found(programme, scheduled, second_unit):
    _submission, task = scheduled
    relay = _client(programme, User.objects.get(username="liaison2"))
    assert relay.get(f"/planning/field/tasks/{task.pk}/").status_code == 404
    response = relay.post(f"/planning/field/tasks/{task.pk}/report/", {"status": "en_route"})
    assert response.status_code == 404
    task.refresh_from_db()
    assert task.status == EscortTask.Status.ASSIGNED
    assert str(task.pk)[:8] not in relay.get("/planning/field/").content.decode()


@pytest.mark.parametrize("role", ["case_officer", "supervisor", "operator", "outsider"])
def test_other_roles_have_no_field_console(programme, scheduled, role):
    _submission, task = scheduled
    client = _client(programme, programme.users[role])
    assert client.get("/planning/field/").status_code == 404
    assert client.get(f"/planning/field/tasks/{task.pk}/").status_code == 404


def test_status_buttons_move_the_case(programme, scheduled):
    submission, task = scheduled
    client = _client(programme, programme.users["field_liaison"])
    url = f"/planning/field/tasks/{task.pk}/"
    for status in ("en_route", "contact", "escorting"):
        response = client.post(url + "report/", {"status": status})
        assert response.status_code == 302
        assert len(client.get(url).content) < LIMIT
    client.post(url + "report/", {"status": "handed_over"})
    case = Case.objects.get(pk=submission.case.pk)
    assert case.status == Case.Status.RECEIVED
    assert client.get(url).status_code == 404  # ended: nothing left to open


def test_an_abort_without_a_reason_is_refused_and_loses_nothing(programme, scheduled):
    _submission, task = scheduled
    client = _client(programme, programme.users["field_liaison"])
    url = f"/planning/field/tasks/{task.pk}/"
    response = client.post(url + "report/", {"status": "aborted", "reason": ""}, follow=True)
    assert "Say why the task was aborted." in response.content.decode()
    task.refresh_from_db()
    assert task.status == EscortTask.Status.ASSIGNED


def test_a_duress_login_takes_the_task_off_the_console(programme, scheduled):
    from intake import service

    submission, task = scheduled
    service.duress_effects_now(submission.case)
    client = _client(programme, programme.users["field_liaison"])
    assert client.get(f"/planning/field/tasks/{task.pk}/").status_code == 404


def test_no_report_but_abort_before_the_exit_is_scheduled(programme, applicant):
    """A task sealed while the case is still in planning: contact, escorting and handed over
    are refused with a message (never a 500 half-way), and the case stays in planning."""
    from tests.planning.conftest import approve_plan, make_task

    approve_plan(programme, applicant.case)
    task = make_task(programme, applicant.case)
    client = _client(programme, programme.users["field_liaison"])
    url = f"/planning/field/tasks/{task.pk}/"
    for status in ("en_route", "contact", "escorting"):
        response = client.post(url + "report/", {"status": status}, follow=True)
        assert response.status_code == 200
        assert "This exit is not scheduled." in response.content.decode()
    task.refresh_from_db()
    assert task.status == EscortTask.Status.ASSIGNED
    assert Case.objects.get(pk=applicant.case.pk).status == Case.Status.PLANNING
