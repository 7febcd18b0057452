"""Queues and assignment."""

from audit.models import Event
from cases.models import Case
from cases.workflow import link_possible_duplicate
from tests.vault.conftest import make_case
from vault import records
from vault.policy import IDENTITY


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
    assert 'Flagged (watch list, duress) <span class="count urgent">1</span>' in pages["new"]
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


def _nav_counts(html: str) -> dict[str, int]:
    """The queue navigation's counts, by link target, from any staff page."""
    import re

    nav = re.search(r'<nav class="queue-nav".*?</nav>', html, re.S).group(0)
    return {
        url: int(n)
        for url, n in re.findall(r'href="([^"]+)"[^>]*>[^<]*<span class="count[^"]*">(\d+)<', nav)
    }


def test_the_navigation_counts_every_queue_on_every_staff_page(programme):
    intake = programme.teams["intake"]
    make_case(intake)
    make_case(intake)
    make_case(intake, status=Case.Status.SCREENING, watchlist_match=True)
    make_case(intake, unverified=True)
    make_case(programme.teams["planning"], watchlist_match=True)  # another team: not counted
    operator = _nav_counts(_client(programme, "operator").get("/").content.decode())
    assert operator["/cases/queue/new/"] == 2
    assert operator["/cases/queue/flagged/"] == 1
    assert operator["/cases/queue/overdue/"] == 0
    assert "/cases/triage/" not in operator  # triage is a supervisor's
    supervisor = _nav_counts(_client(programme, "supervisor").get("/account/").content.decode())
    assert supervisor["/cases/triage/"] == 1
    # Roles that see no cases get no queue navigation at all.
    for role in ("field_liaison", "finance_officer", "auditor", "admin"):
        assert "queue-nav" not in _client(programme, role).get("/").content.decode()


def test_silent_applicants_are_overdue_for_recontact(programme, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.CORRIDOR_RECONTACT_DAYS = 14
    intake = programme.teams["intake"]
    silent = make_case(intake, status=Case.Status.INTENT_REGISTERED)
    recent = make_case(intake, status=Case.Status.INTENT_REGISTERED)
    screening = make_case(intake, status=Case.Status.SCREENING)  # screening has its own deadline
    Case.objects.filter(pk__in=[silent.pk, screening.pk]).update(
        last_contact_at=timezone.now() - timedelta(days=15)
    )
    html = _client(programme, "operator").get("/cases/queue/overdue/").content.decode()
    assert silent.number in html
    assert recent.number not in html and screening.number not in html
    # A message from the applicant is contact: the case leaves the queue.
    from cases import messages

    messages.from_applicant(silent, "Я тут")
    html = _client(programme, "operator").get("/cases/queue/overdue/").content.decode()
    assert silent.number not in html


def test_date_hooks_of_later_apps_match_nothing_yet(programme):
    """Passed windows, due capture cards and today's exits need planning and reception dates.
    Until those apps exist the hooks refuse to match, even for cases forced into the states
    they watch (the workflow cannot reach them: `schedule` refuses without a plan)."""
    from datetime import timedelta

    from django.utils import timezone

    from cases import queues

    intake = programme.teams["intake"]
    long_ago = timezone.now() - timedelta(days=60)
    forced = [
        make_case(intake, status=status)
        for status in (Case.Status.SCHEDULED, Case.Status.IN_PROGRESS, Case.Status.RECEIVED)
    ]
    Case.objects.filter(pk__in=[c.pk for c in forced]).update(
        created_at=long_ago, last_contact_at=long_ago
    )
    now = timezone.now()
    for hook in (queues.window_passed_without_report, queues.capture_card_due, queues.window_today):
        assert not Case.objects.filter(hook(now)).exists()
    user = programme.users["operator"]
    assert not queues.queue(user, "overdue").exists()
    assert not queues.queue(user, "today").exists()
    page = _client(programme, "operator").get("/cases/queue/today/").content.decode()
    assert "once exit plans with windows are recorded" in page


def test_lists_page_without_counting_and_counts_stop_at_the_cap(programme, monkeypatch):
    from cases import queues

    intake = programme.teams["intake"]
    made = [make_case(intake) for _ in range(53)]
    client = _client(programme, "operator")
    first = client.get("/cases/queue/new/").content.decode()
    assert sum(f'href="/cases/{c.number}/"' in first for c in made) == 50
    assert "Next page" in first and "Previous page" not in first
    second = client.get("/cases/queue/new/?page=2").content.decode()
    assert "Previous page" in second and "Next page" not in second
    shown = {c.number for c in made if f'href="/cases/{c.number}/"' in first + second}
    assert shown == {c.number for c in made}  # every case on one of the two pages
    assert client.get("/cases/queue/new/?page=nonsense").status_code == 200
    monkeypatch.setattr(queues, "CAP", 9)
    html = client.get("/").content.decode()
    assert 'New and unassigned <span class="count">9+</span>' in html
    assert queues.capped_count(queues.queue(programme.users["operator"], "new")) == 10


def test_a_user_named_on_restricted_cases_sees_them_in_lists_and_counts(programme):
    """Visible cases come in two parts (team cases, and restricted cases naming the user);
    lists merge them in date order and counts add them up."""
    from datetime import timedelta

    from django.utils import timezone

    from cases.models import CaseGrant

    intake, planning = programme.teams["intake"], programme.teams["planning"]
    supervisor = programme.users["supervisor"]
    now = timezone.now()
    team_case = make_case(intake)
    named = make_case(planning, restricted=True)
    CaseGrant.objects.create(case=named, user=supervisor)
    records.seal(named, IDENTITY, {"n": 1}, kind="answers")  # sealed to the named supervisor
    not_named = make_case(intake, restricted=True)
    Case.objects.filter(pk=team_case.pk).update(created_at=now - timedelta(days=1))
    Case.objects.filter(pk=named.pk).update(created_at=now - timedelta(hours=1))
    html = _client(programme, "supervisor").get("/cases/queue/new/").content.decode()
    assert html.index(named.number) < html.index(team_case.number)  # newest first, merged
    assert not_named.number not in html
    assert _nav_counts(html)["/cases/queue/new/"] == 2
    operator_html = _client(programme, "operator").get("/cases/").content.decode()
    assert team_case.number in operator_html and named.number not in operator_html


def test_the_navigation_counts_once_per_page(programme):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_case(programme.teams["intake"])
    client = _client(programme, "operator")
    with CaptureQueriesContext(connection) as queries:
        client.get("/account/")
    capped = [q["sql"] for q in queries if "LIMIT 100" in q["sql"] and "cases_case" in q["sql"]]
    assert len(capped) == 6  # one capped count per queue, not two
