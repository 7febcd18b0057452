"""Possession, not membership, decides access: the "admin makes a puppet supervisor" attack,
forged seal rows, and the domain guards that refuse an actor whose keys do not open a case."""

import re

import pytest

from accounts import actions, second_factor
from accounts.models import User
from audit.models import Event
from cases import restriction, states, workflow
from cases.models import AccessRequest, Case
from cases.states import TransitionRefused
from tests.factories import PASSWORD
from tests.vault.conftest import make_case, private_of, unlocked
from vault import blind, crypto, records, signing
from vault import teams as team_keys
from vault.models import RecordKey, TeamKeySeal
from vault.policy import IDENTITY

SECRET = "Пилот Вертолётов"


@pytest.fixture
def planning_case(programme):
    case = make_case(programme.teams["planning"])
    records.seal(case, IDENTITY, {"name": SECRET}, kind="answers")
    return case


def _client(programme, user):
    client = programme.staff.client(user)
    client.cookies["corridor_language"] = "en"
    return client


def _nav_counts(html: str) -> dict[str, int]:
    nav = re.search(r'<nav class="queue-nav".*?</nav>', html, re.S).group(0)
    pairs = re.findall(r'href="([^"]+)"[^>]*>[^<]*<span class="count[^"]*">(\d+)<', nav)
    return {url: int(n) for url, n in pairs}


def _puppet(programme) -> User:
    """An admin creates a supervisor through the staff page and puts him in planning (a
    membership row); he chooses his password and enrols his second factor."""
    admin = _client(programme, programme.users["admin"])
    page = admin.post(
        "/staff/new/",
        {"username": "puppet", "roles": ["supervisor"], "teams": [programme.teams["planning"].pk]},
    )
    assert page.status_code == 200
    puppet = User.objects.get(username="puppet")
    assert puppet.memberships.filter(team=programme.teams["planning"]).exists()
    actions.change_password(
        user=puppet, current_password=page.context["password"], new_password=PASSWORD
    )
    second_factor.new_totp_device(puppet, confirmed=True)
    return puppet


def test_admin_makes_a_puppet_supervisor_who_acts_on_nothing_until_granted(
    programme, planning_case
):
    first = programme.users["supervisor"]
    # A pending request to name the case officer, waiting for a second supervisor.
    restriction.request_access(planning_case, [programme.users["case_officer"]], actor=first)
    puppet = _puppet(programme)
    client = _client(programme, puppet)
    number = planning_case.number

    # He sees no case: not in lists, queues, counts, search; every case URL is "not found".
    for url in ["/cases/", "/cases/queue/new/", "/", "/cases/triage/"]:
        page = client.get(url)
        assert page.status_code == 200 and number not in page.content.decode(), url
    assert client.get(f"/cases/{number}/").status_code == 404
    found = client.get(f"/cases/search/?number={number}").content.decode()
    assert f'href="/cases/{number}/"' not in found and "No case of your teams matches." in found
    assert SECRET not in client.get("/cases/").content.decode()
    assert set(_nav_counts(client.get("/").content.decode()).values()) == {0}
    # Nor through the hotline console's later call.
    later = "/intake/hotline/later-call/"
    found = client.post(later, {"operation": "find", "number": number}).content.decode()
    assert "No case of your teams matches." in found
    assert f'name="case" value="{number}"' not in found
    assert client.post(later, {"case": number, "note": "x"}).status_code == 404
    # (The duress URL takes the case from a grant, never from the URL: none, nothing set.)
    client.post("/intake/hotline/duress/", {"grant": "", "choice": "0"})
    assert not Event.objects.filter(action="duress_word_set").exists()
    # He cannot act on it: every action URL is "not found" and nothing changes.
    for url, data in [
        (f"/cases/{number}/move/screen/", {}),
        (f"/cases/{number}/assign/", {"assignee": str(puppet.pk)}),
        (f"/cases/{number}/note/", {"note": "x"}),
        (f"/cases/{number}/reply/", {"text": "x"}),
        (f"/cases/{number}/access/decide/", {"decision": "approve"}),
        (f"/cases/{number}/access/request/", {"user": str(first.pk)}),
    ]:
        assert client.post(url, data).status_code == 404, url
    planning_case.refresh_from_db()
    assert planning_case.status == Case.Status.NEW and planning_case.assignee is None
    assert not planning_case.restricted
    assert AccessRequest.objects.get(case=planning_case).status == "pending"
    assert not Event.objects.filter(actor_id=puppet.pk, object_id=number).exists()
    # The domain functions refuse him too, whoever calls them.
    unlocked(puppet)
    for attempt in (
        lambda: states.move(planning_case, "screen", actor=puppet),
        lambda: workflow.assign(planning_case, None, actor=puppet),
        lambda: workflow.add_note(planning_case, "x", actor=puppet),
        lambda: restriction.decide(
            planning_case, approve=True, actor=puppet, actor_private=private_of(puppet)
        ),
    ):
        with pytest.raises(TransitionRefused):
            attempt()

    # A member who holds the planning key grants it to him (his pending grant).
    holder = _client(programme, first)
    team = programme.teams["planning"]
    assert holder.post(f"/keys/grant/{team.pk}/{puppet.pk}/").status_code == 302
    assert client.get(f"/cases/{number}/").status_code == 200
    assert SECRET in client.get(f"/cases/{number}/").content.decode()
    assert _nav_counts(client.get("/").content.decode())["/cases/queue/new/"] == 1
    client.post(f"/cases/{number}/move/screen/")
    planning_case.refresh_from_db()
    assert planning_case.status == Case.Status.SCREENING
    client.post(f"/cases/{number}/access/decide/", {"decision": "approve"})
    planning_case.refresh_from_db()
    assert planning_case.restricted
    assert AccessRequest.objects.get(case=planning_case).decided_by == puppet


def test_a_puppet_supervisor_cannot_flag_cases_through_the_watch_list(programme, planning_case):
    """The watch list flags matching cases of every team: an admin's puppet, holding no key,
    neither sees it nor adds to it nor removes from it, through the view or the domain."""
    from intake import watchlist
    from intake.models import WatchEntry
    from vault import blind
    from vault.models import BlindIndex

    BlindIndex.objects.create(
        case=planning_case, name="phone", value=blind.blind_index("phone", "+79990001122")
    )
    watchlist.add(
        "phone", "+7 999 000 11 23", reference="r0", actor=unlocked(programme.users["supervisor"])
    )
    entry = WatchEntry.objects.get()
    puppet = _puppet(programme)
    client = _client(programme, puppet)
    assert client.get("/intake/watch-list/").status_code == 403
    posted = {"index": "phone", "value": "+7 999 000 11 22", "reference": "r1"}
    assert client.post("/intake/watch-list/", posted).status_code == 403
    assert client.post(f"/intake/watch-list/{entry.pk}/remove/").status_code == 403
    unlocked(puppet)
    with pytest.raises(watchlist.NoKeys):
        watchlist.add("phone", "+7 999 000 11 22", reference="r1", actor=puppet)
    with pytest.raises(watchlist.NoKeys):
        watchlist.remove(entry.pk, actor=puppet)
    planning_case.refresh_from_db()
    assert not planning_case.watchlist_match
    assert list(WatchEntry.objects.values_list("reference", flat=True)) == ["r0"]


def test_a_forged_team_key_seal_opens_nothing(programme, planning_case):
    """Anyone who can write the database can seal a random key to a user's public key; it is
    not the team's key (the signed public key does not match), so it gives no access."""
    operator = programme.users["operator"]
    planning = programme.teams["planning"]
    # Operators may not hold planning keys; make him a case officer so only the seal is fake.
    actions.set_roles(
        actor=programme.users["admin"], user=operator, roles=["operator", "case_officer"]
    )
    actions.add_member(actor=programme.users["admin"], team=planning, user=operator)
    random_private, _public = crypto.new_keypair()
    TeamKeySeal.objects.create(
        team_key=team_keys.active_key(planning),
        user=operator,
        sealed_private=crypto.seal(signing.trusted_public(operator.vault_key), random_private),
    )
    client = _client(programme, operator)
    assert client.get(f"/cases/{planning_case.number}/").status_code == 404
    assert planning_case.number not in client.get("/cases/").content.decode()
    with pytest.raises(TransitionRefused):
        states.move(planning_case, "screen", actor=unlocked(operator))
    # Nor can he pass the forged key on.
    newcomer = programme.staff.make("newcomer", roles=["case_officer"], teams=[planning])
    with pytest.raises(team_keys.NoTeamKey):
        team_keys.grant(planning, newcomer, actor=operator, actor_private=private_of(operator))


def test_a_forged_grant_and_record_key_do_not_open_a_restricted_case(programme, planning_case):
    """Named by a grant row written into the database, with a data key sealed to him that
    opens no record of the case: he sees nothing of it."""
    first, operator = programme.users["supervisor"], programme.users["operator"]
    records.restrict(planning_case, [first], actor=first, actor_private=private_of(first))
    planning_case.grants.create(user=operator)
    record = planning_case.records.get(kind="answers")
    RecordKey.objects.create(
        record=record,
        kind=RecordKey.Kind.USER,
        user=operator,
        sealed_dek=crypto.seal(signing.trusted_public(operator.vault_key), crypto.random_key()),
    )
    assert _client(programme, operator).get(f"/cases/{planning_case.number}/").status_code == 404
    assert _client(programme, first).get(f"/cases/{planning_case.number}/").status_code == 200


def test_a_member_without_the_key_is_not_offered_for_assignment(programme, planning_case):
    supervisor = programme.users["supervisor"]
    waiting = programme.staff.make(
        "waiting", roles=["case_officer"], teams=[programme.teams["planning"]]
    )
    with pytest.raises(TransitionRefused):
        workflow.assign(planning_case, waiting, actor=supervisor)
    page = _client(programme, supervisor).get(f"/cases/{planning_case.number}/")
    assert f'<option value="{waiting.pk}"' not in page.content.decode()
    workflow.assign(planning_case, programme.users["case_officer"], actor=supervisor)


def test_a_user_without_bound_keys_acts_on_nothing(programme, planning_case):
    """A command or a caller that skipped the request holds nothing: refused by default."""
    officer = User.objects.get(pk=programme.users["case_officer"].pk)  # a fresh object
    with pytest.raises(TransitionRefused):
        states.move(planning_case, "screen", actor=officer)
    from cases import access

    assert not access.visible_cases(officer).exists()


def test_a_forged_data_key_row_shows_the_record_locked_not_an_error(programme, planning_case):
    officer = programme.users["case_officer"]
    record = planning_case.records.get(kind="answers")
    RecordKey.objects.create(
        record=record,
        kind=RecordKey.Kind.USER,
        user=officer,
        sealed_dek=crypto.seal(signing.trusted_public(officer.vault_key), crypto.random_key()),
    )
    page = _client(programme, officer).get(f"/cases/{planning_case.number}/")
    assert page.status_code == 200 and SECRET in page.content.decode()  # his team key opens it


def test_the_dashboard_lists_waiting_members_only_for_keys_really_held(programme):
    """A forged seal of the planning key does not make its pending members his to grant."""
    operator = programme.users["operator"]
    planning = programme.teams["planning"]
    actions.set_roles(
        actor=programme.users["admin"], user=operator, roles=["operator", "case_officer"]
    )
    actions.add_member(actor=programme.users["admin"], team=planning, user=operator)
    programme.staff.make("waiting", roles=["case_officer"], teams=[planning])
    random_private, _public = crypto.new_keypair()
    TeamKeySeal.objects.create(
        team_key=team_keys.active_key(planning),
        user=operator,
        sealed_private=crypto.seal(signing.trusted_public(operator.vault_key), random_private),
    )
    assert "waiting" not in _client(programme, operator).get("/").content.decode()
    holder = _client(programme, programme.users["case_officer"])
    assert "waiting" in holder.get("/").content.decode()


def test_a_forged_data_key_that_unseals_opens_nothing_and_search_does_not_fail(
    programme, planning_case
):
    """A database writer seals a random data key to the officer: it unseals, but it is not the
    record's key. The record's own check refuses it; search and the case page still work with
    his real team key and never answer with an error."""
    officer = programme.users["case_officer"]
    record = planning_case.records.get(kind="answers")
    RecordKey.objects.filter(record=record).exclude(kind=RecordKey.Kind.USER).delete()
    blind.store_many(planning_case, [("full_name", SECRET)])  # so search reaches the record
    RecordKey.objects.create(
        record=record,
        kind=RecordKey.Kind.USER,
        user=officer,
        sealed_dek=crypto.seal(signing.trusted_public(officer.vault_key), crypto.random_key()),
    )
    with pytest.raises(records.NoAccess):
        records.open_values(unlocked(officer), private_of(officer), record)
    client = _client(programme, officer)
    found = client.post("/cases/search/", {"kind": "full_name", "value": SECRET})
    assert found.status_code == 200 and planning_case.number not in found.content.decode()
    page = client.get(f"/cases/{planning_case.number}/")
    assert page.status_code == 200 and SECRET not in page.content.decode()
