"""Split-key sessions: neither the session store nor the cookie alone yields the key."""

import base64

import pytest
from django.test import RequestFactory

from accounts.models import StaffSession as Session
from tests.factories import PASSWORD
from vault import crypto, sessions
from vault import staff as staff_keys


def test_login_puts_half_in_the_session_and_half_in_a_strict_cookie(staff):
    user = staff.persona("operator")
    client = staff.client(user)
    cookie = client.cookies[sessions.COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    stored = Session.objects.get().get_decoded()
    wrapped = base64.b64decode(stored["vault_wrapped"])
    private = staff_keys.unlock(user, PASSWORD)
    assert private not in wrapped and private.hex() not in repr(stored)
    key = base64.urlsafe_b64decode(cookie.value)
    assert crypto.secretbox_decrypt(key, wrapped) == private


def _request(session_data: dict, cookie: str | None):
    request = RequestFactory().get("/")
    request.session = session_data
    if cookie:
        request.COOKIES[sessions.COOKIE] = cookie
    return request


def test_either_half_alone_opens_nothing(staff):
    user = staff.persona("operator")
    client = staff.client(user)
    stored = Session.objects.get().get_decoded()
    cookie = client.cookies[sessions.COOKIE].value
    assert sessions.private_key(_request(stored, cookie)) == staff_keys.unlock(user, PASSWORD)
    with pytest.raises(sessions.Locked):
        sessions.private_key(_request(stored, None))
    with pytest.raises(sessions.Locked):
        sessions.private_key(_request({}, cookie))
    wrong = base64.urlsafe_b64encode(crypto.random_key()).decode()
    with pytest.raises(sessions.Locked):
        sessions.private_key(_request(stored, wrong))


def test_logout_makes_both_halves_useless(staff):
    client = staff.client(staff.persona("operator"))
    cookie = client.cookies[sessions.COOKIE].value
    stored = Session.objects.get().get_decoded()
    client.post("/logout/")
    assert not Session.objects.exists()  # the wrapped half is gone from the store
    assert client.cookies[sessions.COOKIE].value == ""  # the browser is told to drop its half
    # A fresh login gives a new session key: the old cookie opens nothing new.
    again = staff.client(staff.persona("auditor"))
    fresh = Session.objects.get().get_decoded()
    with pytest.raises(sessions.Locked):
        sessions.private_key(_request(fresh, cookie))
    assert sessions.private_key(_request(stored, cookie))  # (only the deleted pair matched)
    assert again.cookies[sessions.COOKIE].value != cookie


def test_an_idle_session_row_expires_with_the_idle_clock(staff, settings):
    from django.utils import timezone

    client = staff.client(staff.persona("operator"))
    client.get("/")
    row = Session.objects.get()
    assert (row.expire_date - timezone.now()).total_seconds() <= settings.CORRIDOR_IDLE_TIMEOUT + 5
