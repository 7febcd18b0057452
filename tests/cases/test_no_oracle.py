"""No existence oracle: pages that mention linked cases or candidates outside the user's scope
never name or count them, and never mention a restricted case at all."""

import re

import pytest

from cases.models import Case
from cases.workflow import link_possible_duplicate
from intake import service
from intake.questionnaire import current
from tests.vault.conftest import private_of
from vault import records

HINT = "Possible match outside your teams: ask a supervisor."
PHONE_OUTSIDE = "+7 900 111 22 33"
PHONE_RESTRICTED = "+7 900 444 55 66"
PHONE_NOWHERE = "+7 900 777 88 99"


def _client(programme, role):
    client = programme.staff.client(programme.users[role])
    client.cookies["corridor_language"] = "en"
    return client


def _case(name, phone, team):
    answers = {"who": "serviceman", "name": name, "phone": phone}
    case = service.submit(current(), answers, channel="hotline", language="ru").case
    Case.objects.filter(pk=case.pk).update(team=team)
    case.refresh_from_db()
    return case


@pytest.fixture
def world(programme):
    """Mine (intake), an unrestricted case of planning (outside the operator's teams) and a
    restricted case naming only the supervisor, each with its own phone number."""
    supervisor = programme.users["supervisor"]
    mine = _case("Иванов Иван", "+7 900 000 11 11", programme.teams["intake"])
    outside = _case("Петров Пётр", PHONE_OUTSIDE, programme.teams["planning"])
    hidden = _case("Лапин Сергей", PHONE_RESTRICTED, programme.teams["intake"])
    records.restrict(hidden, [supervisor], actor=supervisor, actor_private=private_of(supervisor))
    hidden.refresh_from_db()
    return {"mine": mine, "outside": outside, "hidden": hidden}


def _numbers(html, world):
    return [k for k in ("outside", "hidden") if world[k].number in html]


def _counts(html):
    return re.findall(r"\d+ linked case", html)


def test_the_case_page_says_possible_match_without_number_or_count(programme, world):
    mine = world["mine"]
    link_possible_duplicate(mine, world["outside"], via="phone")
    link_possible_duplicate(mine, world["hidden"], via="phone")
    html = _client(programme, "operator").get(f"/cases/{mine.number}/").content.decode()
    assert html.count(HINT) == 1
    assert _numbers(html, world) == [] and _counts(html) == []


def test_a_link_to_a_restricted_case_is_not_mentioned_on_the_case_page(programme, world):
    mine = world["mine"]
    link_possible_duplicate(mine, world["hidden"], via="phone")
    html = _client(programme, "operator").get(f"/cases/{mine.number}/").content.decode()
    assert HINT not in html and "Linked cases" not in html
    assert _numbers(html, world) == []
    # The named supervisor, who holds both, sees the link with its number.
    html = _client(programme, "supervisor").get(f"/cases/{mine.number}/").content.decode()
    assert world["hidden"].number in html


@pytest.mark.parametrize("new", [True, False])
def test_the_timeline_does_not_say_a_restricted_case_matched(programme, world, new):
    """The links hid a restricted match, but the new case's timeline said "Possible duplicate
    found" beside no link and no hint: that alone told the operator a restricted case matched.
    The event is told on the restricted case instead, sealed to its named people."""
    from audit.models import Event
    from cases import workflow

    if new:  # a call with the restricted case's phone number, linked as it is stored
        mine = _case("Другой Человек", PHONE_RESTRICTED, programme.teams["intake"])
    else:
        mine = world["mine"]
        workflow.link_possible_duplicate(mine, world["hidden"], via="phone")
    html = _client(programme, "operator").get(f"/cases/{mine.number}/").content.decode()
    assert "Possible duplicate found" not in html and HINT not in html
    [event] = Event.objects.filter(action="possible_duplicate", object_id=world["hidden"].number)
    assert event.sealed is not None and event.detail == {}
    html = _client(programme, "supervisor").get(f"/cases/{world['hidden'].number}/").content
    assert "Possible duplicate found" in html.decode()


def test_a_duress_alert_of_a_restricted_case_reaches_only_its_named_people(programme, world):
    """The duress alert names its case: raised for the restricted case's team, it showed the
    number (and the duress) on the dashboard of every team member, named or not."""
    from cases.models import Alert

    hidden = world["hidden"]
    service.duress_effects_now(hidden)
    alert = Alert.objects.get(case=hidden, kind="duress")
    operator = _client(programme, "operator")
    assert hidden.number not in operator.get("/").content.decode()
    operator.post(f"/cases/alerts/{alert.pk}/acknowledge/")
    alert.refresh_from_db()
    assert alert.acknowledged_at is None
    assert hidden.number in _client(programme, "supervisor").get("/").content.decode()


def _nav_duplicates(html) -> str:
    found = re.search(r'href="/cases/queue/duplicates/"[^>]*>[^<]*<span[^>]*>([^<]*)</span>', html)
    return found.group(1) if found else ""


def test_the_duplicates_queue_never_counts_a_link_to_a_restricted_case(programme, world):
    mine = world["mine"]
    link_possible_duplicate(mine, world["hidden"], via="phone")
    client = _client(programme, "operator")
    html = client.get("/cases/queue/duplicates/").content.decode()
    assert mine.number not in html and _numbers(html, world) == []
    assert _nav_duplicates(html) == "0"
    # A link to an unrestricted case outside his teams lists his case, never the other.
    link_possible_duplicate(mine, world["outside"], via="phone")
    html = client.get("/cases/queue/duplicates/").content.decode()
    assert mine.number in html and _numbers(html, world) == []
    assert _nav_duplicates(html) == "1"


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


@pytest.mark.parametrize("url", ["/cases/search/", "/intake/hotline/later-call/"])
def test_search_mentions_at_most_a_possible_match(programme, world, url):
    client = _client(programme, "operator")

    def find(phone):
        data = {"kind": "phone", "value": phone, "operation": "find", "phone": phone}
        page = client.post(url, data)
        assert page.status_code == 200
        return page.content.decode()

    outside = find(PHONE_OUTSIDE)
    assert HINT in outside and _numbers(outside, world) == []
    # A restricted candidate: exactly the page of a number found nowhere.
    restricted, nowhere = find(PHONE_RESTRICTED), find(PHONE_NOWHERE)
    assert HINT not in restricted and _numbers(restricted, world) == []
    if url == "/cases/search/":
        assert _without_tokens(restricted) == _without_tokens(nowhere)
    else:  # the later-call page shows the typed number back to the operator
        assert _without_tokens(restricted).replace(PHONE_RESTRICTED, "") == _without_tokens(
            nowhere
        ).replace(PHONE_NOWHERE, "")


def _call(client, name, phone):
    data = {"who": "serviceman", "name": name, "situation": "training", "phone": phone}
    return client.post("/intake/hotline/", data).content.decode()


def test_the_hotline_shows_earlier_contacts_it_may_and_no_more(programme, world):
    client = _client(programme, "operator")
    own = _call(client, "Новиков Олег", "+7 900 000 11 11")
    assert "Earlier contact found" in own and world["mine"].number in own
    outside = _call(client, "Орлов Антон", PHONE_OUTSIDE)
    assert HINT in outside and _numbers(outside, world) == []
    hidden = _call(client, "Белов Юрий", PHONE_RESTRICTED)
    assert "Earlier contact found" not in hidden and HINT not in hidden
    assert _numbers(hidden, world) == []
