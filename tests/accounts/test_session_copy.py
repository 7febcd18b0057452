"""A session row is not a session (issue 18, point 2).

The attacker holds a copy of the database: the session row as it is stored, and whatever he can
compute from it, but neither the key directory nor the browser's vault cookie. Every staff URL
of the access matrix must give him the login page. Even if he learned the session cookie too
(say, from a proxy), without the vault cookie the session ends on whichever page he tries.
"""

import base64
import time

import pytest
from django.conf import settings
from django.test import Client
from django.urls import resolve

from accounts.models import StaffSession
from audit.models import Event
from tests.factories import PASSWORD
from tests.test_access_matrix import GET, POST, ROLES, STAFF_URLS, _url
from tests.vault.conftest import make_case
from vault import crypto
from vault import sessions as vault_sessions

SESSION = settings.SESSION_COOKIE_NAME
VAULT = vault_sessions.COOKIE


def _login_required(route: str) -> bool:
    return getattr(resolve(route).func, "login_required", True)


def _requests(case_number: str, user_id: int) -> list[tuple[str, str, dict]]:
    """Every login-required staff URL, with the method and data the access matrix uses."""
    found = []
    for name, route in sorted(STAFF_URLS.items()):
        url = _url(route.replace("<slug:name>", "new"), case_number, user_id)
        if not _login_required(url):
            continue
        if name in GET:
            found.append(("get", url, {}))
        else:
            found.append(("post", url, POST.get(name, ("", {}))[1]))
    return found


def _is_login_page(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/login/")


def _send(client: Client, method: str, url: str, data: dict):
    return client.get(url) if method == "get" else client.post(url, data)


@pytest.mark.parametrize("role", ROLES[1:])
def test_a_copied_session_row_opens_no_staff_url(programme, role):
    user = programme.users[role]
    browser = programme.staff.client(user)
    case = make_case(programme.teams["intake"])
    requests = _requests(case.number, programme.users["operator"].pk)
    assert len(requests) >= len(GET) + len(POST)
    assert browser.get("/").status_code == 200  # control: the real browser works
    row = StaffSession.objects.filter(user=user).values().get()
    cookie = browser.cookies[SESSION].value
    assert all(cookie not in str(value) for value in row.values())

    # 1. What the database yields: the row's key as a cookie, with or without a made-up vault
    #    cookie. The row is not found: it is keyed by a hash of a cookie he does not have.
    forged = base64.urlsafe_b64encode(crypto.random_key()).decode()
    for vault_cookie in (None, forged):
        thief = Client()
        thief.cookies[SESSION] = row["session_key"]
        if vault_cookie:
            thief.cookies[VAULT] = vault_cookie
        for method, url, data in requests:
            assert _is_login_page(_send(thief, method, url, data)), (method, url)

    # 2. Worse: he also has the session cookie, but not the browser's vault cookie. Each URL is
    #    tried against a fresh copy of the row; each refusal ends the session (row deleted).
    for vault_cookie in (None, forged):
        for method, url, data in requests:
            StaffSession.objects.update_or_create(session_key=row["session_key"], defaults=row)
            thief = Client()
            thief.cookies[SESSION] = cookie
            if vault_cookie:
                thief.cookies[VAULT] = vault_cookie
            response = _send(thief, method, url, data)
            assert _is_login_page(response), (method, url, response.status_code)
            assert not StaffSession.objects.filter(session_key=row["session_key"]).exists(), url
            assert thief.cookies[VAULT].value == ""  # told to drop whatever it sent
    assert Event.objects.filter(action="session_refused", actor=user).exists()


def test_the_half_login_before_the_second_factor_is_bound_too(staff):
    """A password-only session (enrolment pending) refuses a copy as well."""
    user = staff.make("newcomer", roles=["operator"], enrolled=False)
    browser = Client()
    browser.post("/login/", {"username": "newcomer", "password": PASSWORD, "code": ""})
    assert browser.get("/enrol/").status_code == 200
    row = StaffSession.objects.filter(user=user).values().get()
    thief = Client()
    thief.cookies[SESSION] = browser.cookies[SESSION].value
    assert _is_login_page(thief.get("/enrol/"))
    assert not StaffSession.objects.filter(session_key=row["session_key"]).exists()


def _both_halves_gone(client: Client, user) -> bool:
    return (
        not StaffSession.objects.filter(user=user).exists()
        and client.cookies[SESSION].value == ""
        and client.cookies[VAULT].value == ""
    )


def test_logout_ends_both_halves(staff):
    user = staff.persona("operator")
    browser = staff.client(user)
    old = {SESSION: browser.cookies[SESSION].value, VAULT: browser.cookies[VAULT].value}
    browser.post("/logout/")
    assert _both_halves_gone(browser, user)
    replay = Client()
    for name, value in old.items():
        replay.cookies[name] = value
    assert _is_login_page(replay.get("/"))


def _set(client: Client, **values) -> None:
    session = client.session
    session.update(values)
    session.save()


def test_idle_expiry_ends_both_halves(staff, settings):
    user = staff.persona("operator")
    browser = staff.client(user)
    _set(browser, seen=int(time.time()) - settings.CORRIDOR_IDLE_TIMEOUT - 5)
    assert browser.get("/")["Location"] == "/login/?expired=1"
    assert _both_halves_gone(browser, user)


def test_absolute_expiry_ends_both_halves_however_busy_the_session(staff, settings):
    user = staff.persona("operator")
    browser = staff.client(user)
    now = int(time.time())
    _set(browser, seen=now, started=now - settings.SESSION_COOKIE_AGE - 5)
    assert browser.get("/")["Location"] == "/login/?expired=1"
    assert _both_halves_gone(browser, user)
    assert Event.objects.filter(action="session_expired", actor=user).exists()


def test_a_busy_session_row_never_outlives_the_absolute_cap(staff, settings):
    user = staff.persona("operator")
    browser = staff.client(user)
    now = int(time.time())
    _set(browser, seen=now - 60, started=now - settings.SESSION_COOKIE_AGE + 100)
    assert browser.get("/").status_code == 200
    row = StaffSession.objects.get(user=user)
    assert row.expire_date.timestamp() <= now + 100 + 5


def test_a_row_past_its_expiry_date_leaves_no_cookie_behind(staff):
    from datetime import timedelta

    from django.utils import timezone

    user = staff.persona("operator")
    browser = staff.client(user)
    StaffSession.objects.filter(user=user).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert _is_login_page(browser.get("/"))
    assert browser.cookies[SESSION].value == "" and browser.cookies[VAULT].value == ""


def test_a_verified_session_whose_cookie_opens_no_key_is_refused(staff):
    """Bound is not enough once both factors passed: the cookie must open the wrapped key."""
    user = staff.persona("operator")
    browser = staff.client(user)
    other = base64.b64encode(crypto.secretbox_encrypt(crypto.random_key(), b"x" * 32)).decode()
    _set(browser, vault_wrapped=other)
    assert _is_login_page(browser.get("/"))
    assert not StaffSession.objects.filter(user=user).exists()
