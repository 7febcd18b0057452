"""Every staff URL requested as every role (and anonymous), compared with one expected table.

A new URL fails `test_every_url_is_in_the_table` until it is added here with its expectations.
"""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.vault.conftest import make_case

ROLES = [
    "anonymous",
    "operator",
    "case_officer",
    "field_liaison",
    "finance_officer",
    "supervisor",
    "auditor",
    "admin",
    "outsider",
]

# GET: one status per role, in ROLES order. 302 for anonymous is the login redirect.
ALL = "302 200 200 200 200 200 200 200 200"
CASE_TEAM = "302 200 200 404 404 200 404 404 404"
GET = {
    "accounts:dashboard": ALL,
    "accounts:account": ALL,
    "accounts:password": ALL,
    "accounts:enrol": "302 302 302 302 302 302 302 302 302",  # verified users go to the dashboard
    "accounts:staff": "302 403 403 403 403 403 403 200 403",
    "accounts:staff_create": "302 403 403 403 403 403 403 200 403",
    "accounts:staff_edit": "302 403 403 403 403 403 403 200 403",
    "accounts:teams": "302 403 403 403 403 403 403 200 403",
    "audit:events": "302 403 403 403 403 403 200 403 403",
    "cases:list": CASE_TEAM,
    "cases:search": CASE_TEAM,
    "cases:queue": CASE_TEAM,
    "cases:detail": CASE_TEAM,
    "cases:triage": "302 403 403 403 403 200 403 403 403",
    "intake:hotline": "302 200 200 403 403 200 403 403 403",
    "intake:later_call": "302 200 200 403 403 200 403 403 403",
    "intake:watch_list": "302 403 403 403 403 200 403 403 403",
    # planning: planners (case officers of a planning team); approvers see instructions; the
    # field console only for field liaisons; ids that match nothing are "not found"
    "planning:plan": "302 404 200 404 404 404 404 404 404",
    "planning:instructions": "302 404 200 404 404 200 404 404 404",
    "planning:script": "302 404 404 404 404 404 404 404 404",
    "planning:check_code": "302 200 200 404 404 200 404 404 404",
    "planning:field": "302 404 404 200 404 404 404 404 404",
    "planning:field_task": "302 404 404 404 404 404 404 404 404",
    "planning:sighting": "302 404 404 200 404 404 404 404 404",
    "planning:personal_note": "302 404 404 404 404 404 404 404 404",
    # outcomes: who screens and closes cases (case officers, supervisors) of the case's team
    "reception:outcome": "302 404 200 404 404 200 404 404 404",
    # reception: the page for whoever holds the case; writing, cards and exports for case
    # officers (plan_exits); an export before the registration goes back to the page
    "reception:case": CASE_TEAM,
    "reception:register": "302 404 200 404 404 404 404 404 404",
    "reception:card_pdf": "302 404 404 404 404 404 404 404 404",
    "reception:export_json": "302 404 302 404 404 404 404 404 404",
    "reception:export_csv": "302 404 302 404 404 404 404 404 404",
    "reception:media_file": "302 404 404 404 404 404 404 404 404",
    # relatives' enquiries: hotline staff (record_intake) on a case they hold
    "reception:enquiries": CASE_TEAM,
    "reception:enquiry": "302 404 404 404 404 404 404 404 404",
    # family: who holds the case and a FAMILY key (planning team) or is named on it; an id
    # that matches nothing is "not found" (tests/family/test_access.py for the rest)
    "family:list": "302 404 200 404 404 200 404 404 404",
    "family:relative": "302 404 404 404 404 404 404 404 404",
    # needs CORRIDOR_PORTAL_HOSTS or CORRIDOR_HOTLINE (development has sample ones; without,
    # back to the console: tests/planning/test_dropnote.py)
    "planning:generic_note": "302 404 404 200 404 404 404 404 404",
    # rewards: finance and supervisors (approve_rewards); rates only for who records payouts;
    # an item or photo id that matches nothing is "not found"
    "rewards:list": "302 404 404 404 200 200 404 404 404",
    "rewards:item": "302 404 404 404 404 404 404 404 404",
    "rewards:photo": "302 404 404 404 404 404 404 404 404",
    "rewards:rates": "302 404 404 404 200 404 404 404 404",
    "rewards:report": "302 404 404 404 200 200 404 404 404",
    "rewards:report_csv": "302 404 404 404 200 200 404 404 404",
}  # fmt: skip
# POST-only views: the status of a POST. A case outside the user's scope is "not found".
POST = {
    "cases:reply": ("302 302 302 404 404 302 404 404 404", {"text": "x"}),
    "cases:note": ("302 302 302 404 404 302 404 404 404", {"note": "x"}),
    "cases:assign": ("302 302 302 404 404 302 404 404 404", {}),
    "cases:move": ("302 302 302 404 404 302 404 404 404", {}),
    "reception:outcome_record": ("302 404 302 404 404 302 404 404 404", {"outcome-kind": "stay"}),
    "reception:guarantee_promise": (
        "302 404 302 404 404 302 404 404 404",
        {"guarantee-kind": "secrecy"},
    ),
    "reception:guarantee_done": ("302 404 302 404 404 302 404 404 404", {}),
    "cases:new_codename": ("302 403 200 403 403 200 403 403 403", {}),
    "cases:request_access": ("302 403 403 403 403 302 403 403 403", {}),
    "cases:decide_access": ("302 403 403 403 403 302 403 403 403", {"decision": "approve"}),
    "cases:seal_for_named": ("302 302 302 404 404 302 404 404 404", {}),
    "cases:acknowledge": ("302 302 302 302 302 302 302 302 302", {}),
    "intake:hotline_duress": ("302 302 302 403 403 302 403 403 403", {"choice": "0"}),
    "intake:watch_remove": ("302 403 403 403 403 302 403 403 403", {}),
    "vault:grant": ("302 404 404 404 404 404 404 404 404", {}),
    "planning:draft": ("302 404 302 404 404 404 404 404 404", {}),
    "planning:release": ("302 404 404 404 404 404 404 404 404", {}),
    "planning:task_create": ("302 404 302 404 404 404 404 404 404", {}),
    "planning:task_hand_off": ("302 404 404 404 404 404 404 404 404", {"unit": "1"}),
    "planning:field_report": ("302 404 404 404 404 404 404 404 404", {"status": "en_route"}),
    # bad or missing values: the form again with its errors (400), never a 500
    "reception:custody": ("302 404 400 404 404 404 404 404 404", {}),
    "reception:event": ("302 404 400 404 404 404 404 404 404", {}),
    "reception:card_sent": ("302 404 404 404 404 404 404 404 404", {}),
    "reception:consent": ("302 404 400 404 404 404 404 404 404", {}),
    "reception:consent_withdraw": ("302 404 404 404 404 404 404 404 404", {}),
    "reception:media": ("302 404 400 404 404 404 404 404 404", {"kind": "photo"}),
    "reception:media_delete": ("302 404 404 404 404 404 404 404 404", {}),
}  # fmt: skip
# Not walked here, with the reason: public, or ends the session, or covered elsewhere.
ELSEWHERE = {
    "accounts:login",
    "set_language",
    "accounts:logout",
    "accounts:logout_everywhere",
    "accounts:backup_codes",
    "telegram:webhook",  # public, secret-token checked: tests/telegram/test_abuse.py
}


def _walk(patterns, prefix="", ns=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(
                p.url_patterns,
                prefix + str(p.pattern),
                f"{ns}{p.namespace}:" if p.namespace else ns,
            )
        elif isinstance(p, URLPattern):
            yield f"{ns}{p.name}", prefix + str(p.pattern)


STAFF_URLS = {n: r for n, r in _walk(get_resolver().url_patterns) if not n.startswith("portal:")}


def test_every_url_is_in_the_table():
    assert set(STAFF_URLS) == set(GET) | set(POST) | ELSEWHERE


def _url(route: str, case_number: str, user_id: int = 1) -> str:
    """A concrete URL: the given case, a real user for <int:user_id> (ids differ between
    databases), and ids that match nothing for the other integers."""
    values = {"number": case_number, "name": "screen", "slug": "new"}
    route = route.replace("<int:user_id>", str(user_id))
    route = re.sub(r"<int:\w+>", "999999", route)
    route = re.sub(r"<uuid:\w+>", "00000000-0000-4000-8000-000000000000", route)
    route = re.sub(r"<(?:str|slug):(\w+)>", lambda m: values[m.group(1)], route)
    return "/" + route


@pytest.fixture
def clients(programme):
    made = {"anonymous": Client()}
    for role in ROLES[1:]:
        made[role] = programme.staff.client(programme.users[role])
    return made


@pytest.mark.parametrize("name", sorted(GET))
def test_get_matrix(programme, clients, name):
    case = make_case(programme.teams["intake"])
    route = (
        STAFF_URLS[name].replace("<slug:name>", "new")
        if name == "cases:queue"
        else STAFF_URLS[name]
    )
    url = _url(route, case.number, programme.users["operator"].pk)
    got = " ".join(str(clients[role].get(url).status_code) for role in ROLES)
    assert got == GET[name], url


@pytest.mark.parametrize("name", sorted(POST))
def test_post_matrix(programme, clients, name):
    expected, data = POST[name]
    got = []
    for role in ROLES:
        case = make_case(programme.teams["intake"])  # a fresh case for every request
        got.append(str(clients[role].post(_url(STAFF_URLS[name], case.number), data).status_code))
    assert " ".join(got) == expected, name
