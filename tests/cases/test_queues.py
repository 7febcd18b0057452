"""Queues and assignment."""

from audit.models import Event
from cases.models import Case
from cases.workflow import link_possible_duplicate
from tests.vault.conftest import make_case


def _client(programme, role):
    client = programme.staff.client(programme.users[role])
    client.cookies["corridor_language"] = "en"
    return client


def test_queues_list_the_right_cases(programme):
    intake = programme.teams["intake"]
    fresh = make_case(intake)
    mine = make_case(intake, status=Case.Status.SCREENING, assignee=programme.users["operator"])
    flagged = make_case(intake, status=Case.Status.SCREENING, watchlist_match=True)
    a, b = (
        make_case(intake, status=Case.Status.SCREENING),
        make_case(intake, status=Case.Status.SCREENING),
    )
    link_possible_duplicate(a, b, via="full_name")
    hidden = make_case(programme.teams["planning"], watchlist_match=True)  # not the operator's team
    client = _client(programme, "operator")
    pages = {
        name: client.get(f"/cases/queue/{name}/").content.decode()
        for name in ("new", "mine", "flagged", "duplicates")
    }
    assert fresh.number in pages["new"] and mine.number not in pages["new"]
    assert mine.number in pages["mine"] and fresh.number not in pages["mine"]
    assert flagged.number in pages["flagged"] and hidden.number not in pages["flagged"]
    assert a.number in pages["duplicates"] and b.number in pages["duplicates"]
    assert "Flagged (watch list, duress) (1)" in pages["new"]
    assert client.get("/cases/queue/nonsense/").status_code == 404
    assert _client(programme, "field_liaison").get("/cases/queue/new/").status_code == 404


def test_a_supervisor_assigns_within_the_team(programme):
    case = make_case(programme.teams["intake"])
    supervisor = _client(programme, "supervisor")
    supervisor.post(f"/cases/{case.number}/assign/", {"assignee": programme.users["operator"].pk})
    case.refresh_from_db()
    assert case.assignee == programme.users["operator"]
    assert Event.objects.filter(action="case_assigned", object_id=case.number).exists()
    supervisor.post(
        f"/cases/{case.number}/assign/", {"assignee": programme.users["finance_officer"].pk}
    )
    case.refresh_from_db()
    assert case.assignee == programme.users["operator"]  # not a member of the case's team


def test_only_supervisors_assign(programme):
    case = make_case(programme.teams["intake"])
    operator = _client(programme, "operator")
    operator.post(f"/cases/{case.number}/assign/", {"assignee": programme.users["operator"].pk})
    case.refresh_from_db()
    assert case.assignee is None
    assert "Assign to" not in operator.get(f"/cases/{case.number}/").content.decode()
