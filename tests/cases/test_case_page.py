"""The case page: visible only in scope; each compartment opened only by keys that open it."""

import pytest

from audit.models import Event
from tests.vault.conftest import make_case, private_of
from vault import records, sessions
from vault.policy import IDENTITY, REWARD


@pytest.fixture
def case(programme):
    case = make_case(programme.teams["intake"])
    records.seal(case, IDENTITY, {"name": "Иван <b>Сидоренко</b>"}, kind="answers")
    records.seal(case, REWARD, {"equipment": "tank"}, kind="equipment")
    return case


def _client(programme, role):
    client = programme.staff.client(programme.users[role])
    client.cookies["corridor_language"] = "en"
    return client


def test_an_operator_of_the_team_sees_identity_and_not_rewards(programme, case):
    page = _client(programme, "operator").get(f"/cases/{case.number}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Иван &lt;b&gt;Сидоренко&lt;/b&gt;" in html  # decrypted and escaped
    assert "tank" not in html
    assert "Your keys do not open this part of the case." in html  # the reward record exists
    event = Event.objects.filter(action="record_opened").get()
    assert event.object_id == case.number and event.detail["compartment"] == IDENTITY


@pytest.mark.parametrize(
    "role", ["field_liaison", "finance_officer", "auditor", "admin", "outsider"]
)
def test_other_roles_get_not_found(programme, case, role):
    assert _client(programme, role).get(f"/cases/{case.number}/").status_code == 404
    assert case.number not in _client(programme, role).get("/cases/").content.decode()


def test_a_case_of_another_team_is_not_found(programme):
    other = make_case(programme.teams["planning"])
    assert _client(programme, "operator").get(f"/cases/{other.number}/").status_code == 404
    assert _client(programme, "case_officer").get(f"/cases/{other.number}/").status_code == 200


def test_a_restricted_case_is_only_for_named_users(programme, case):
    supervisor = programme.users["supervisor"]
    records.restrict(case, [supervisor], actor=supervisor, actor_private=private_of(supervisor))
    assert _client(programme, "operator").get(f"/cases/{case.number}/").status_code == 404
    page = _client(programme, "supervisor").get(f"/cases/{case.number}/")
    assert page.status_code == 200 and "Сидоренко" in page.content.decode()


def test_a_session_without_its_key_gets_the_login_page_and_opens_nothing(programme, case):
    """Without the vault cookie the session is not a session (tests/accounts/test_session_copy)."""
    client = _client(programme, "operator")
    del client.cookies[sessions.COOKIE]
    page = client.get(f"/cases/{case.number}/")
    assert page.status_code == 302 and page["Location"].startswith("/login/")
    assert not Event.objects.filter(action="record_opened").exists()


def test_the_case_page_rejects_post(programme, case):
    assert _client(programme, "operator").post(f"/cases/{case.number}/").status_code == 405


def test_the_dashboard_counts_only_visible_cases(programme, case):
    make_case(programme.teams["planning"])  # not the operator's team
    client = _client(programme, "operator")
    html = client.get("/").content.decode()
    assert '<th scope="row">New</th><td>1</td>' in html.replace("\n", "")  # not 2


def test_staff_reply_from_the_case_page_reaches_the_portal_inbox(programme, client):
    from intake import service
    from intake.questionnaire import current

    submission = service.submit(current(), {"who": "serviceman"}, channel="portal", language="ru")
    case = submission.case
    staff_client = _client(programme, "operator")
    assert "Write to the applicant" in staff_client.get(f"/cases/{case.number}/").content.decode()
    assert staff_client.get(f"/cases/{case.number}/reply/").status_code == 405
    staff_client.post(f"/cases/{case.number}/reply/", {"text": "Мы на связи."})
    client.post("/portal/login/", {"codename": submission.codename})
    assert "Мы на связи." in client.get("/portal/inbox/").content.decode()
    outsider = _client(programme, "finance_officer")
    assert outsider.post(f"/cases/{case.number}/reply/", {"text": "x"}).status_code == 404


def test_an_internal_note_is_sealed_and_shown_to_readers_only(programme, case):
    client = _client(programme, "operator")
    client.post(f"/cases/{case.number}/note/", {"note": "Проверить номер части"})
    note = case.records.get(kind="note")
    assert "Проверить".encode() not in bytes(note.ciphertext)
    assert "Проверить номер части" in client.get(f"/cases/{case.number}/").content.decode()
    assert not records.can_open(programme.users["finance_officer"], note)
    assert Event.objects.filter(action="note_added", object_id=case.number).exists()


def test_the_page_shows_timeline_flags_and_linked_cases(programme, case):
    from cases import states, workflow
    from cases.models import Case

    operator = programme.users["operator"]
    states.move(case, "screen", actor=programme.users["supervisor"])
    workflow.flag_watchlist(case, via="phone")
    workflow.assign(case, operator, actor=programme.users["supervisor"])
    same_team = make_case(programme.teams["intake"], status=Case.Status.SCREENING)
    other_team = make_case(programme.teams["planning"])
    workflow.link_possible_duplicate(case, same_team, via="phone")
    workflow.link_possible_duplicate(case, other_team, via="full_name")
    html = _client(programme, "operator").get(f"/cases/{case.number}/").content.decode()
    timeline = html[html.index("Timeline") :]
    assert timeline.index("Start screening → Screening") < timeline.index("Assigned · supervisor")
    assert "Watch-list match" in timeline and "Possible duplicate found" in timeline
    assert "record_opened" not in timeline  # openings are the auditor's business
    assert "watch-list match</span>" in html
    assert f'href="/cases/{same_team.number}/"' in html and "matched on phone number" in html
    assert other_team.number not in html  # outside the operator's teams: neither named
    assert "Possible match outside your teams: ask a supervisor." in html  # nor counted


@pytest.mark.parametrize(
    "channel, told",
    [
        ("portal", "The applicant reads it after logging in with his codename."),
        ("hotline", "Tell the applicant on his next call"),
        # A Telegram case whose chat is gone (here: never had one): staff are told.
        ("telegram", "No Telegram notice was sent: this case has no Telegram chat."),
    ],
)
def test_a_reply_is_announced_by_the_case_channel(programme, channel, told):
    """Without a chat the Telegram notice refuses, and staff are told so; the message itself is
    kept in the inbox either way (a chat's delivery: tests/telegram/test_delivery.py)."""
    from cases.models import Message
    from vault import codenames

    case = make_case(programme.teams["intake"], channel=channel)
    six = codenames.parse(codenames.new_codename()).words
    codenames.register(case, codenames.derive(six))
    client = _client(programme, "operator")
    page = client.post(
        f"/cases/{case.number}/reply/", {"text": "Мы получили ваше сообщение"}, follow=True
    )
    assert told in page.content.decode()
    assert Message.objects.filter(case=case, direction="out").count() == 1
