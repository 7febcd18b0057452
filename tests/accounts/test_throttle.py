"""Throttling stops guessing, but never locks a user out of his own browser for good."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from accounts import throttle
from accounts.models import LoginThrottle, TOTPDevice
from tests.factories import PASSWORD, totp_now

LOCKED = "Too many failed attempts"


def _attempt(client, password, user=None):
    code = "000000"
    if user is not None:
        device = TOTPDevice.objects.get(user=user)
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
        code = totp_now(device)
    client.cookies["corridor_language"] = "en"
    return client.post("/login/", {"username": "operator", "password": password, "code": code})


def test_it_locks_out_guessing_after_five_failures(staff, settings):
    user = staff.persona("operator")
    attacker = Client()
    for _ in range(settings.CORRIDOR_LOGIN_FREE_FAILURES):
        assert LOCKED not in _attempt(attacker, "guess").content.decode()
    # Now even the right password is refused without being checked.
    response = _attempt(attacker, PASSWORD, user)
    assert LOCKED in response.content.decode()
    assert attacker.get("/").status_code == 302


def test_it_lets_the_user_in_from_his_own_browser_during_an_attack(staff, settings):
    user = staff.persona("operator")
    own_browser = Client()
    assert _attempt(own_browser, PASSWORD, user).status_code == 302  # earns the device cookie
    own_browser.post("/logout/")
    attacker = Client()
    for _ in range(settings.CORRIDOR_LOGIN_FREE_FAILURES + 3):
        _attempt(attacker, "guess")
    assert LOCKED in _attempt(attacker, PASSWORD, user).content.decode()
    assert _attempt(own_browser, PASSWORD, user).status_code == 302


def test_it_ignores_a_device_cookie_of_another_user(staff, settings):
    user = staff.persona("operator")
    other = staff.persona("auditor")
    client = Client()
    client.post(
        "/login/",
        {
            "username": "auditor",
            "password": PASSWORD,
            "code": totp_now(TOTPDevice.objects.get(user=other)),
        },
    )
    client.post("/logout/")
    for _ in range(settings.CORRIDOR_LOGIN_FREE_FAILURES):
        _attempt(Client(), "guess")
    # The auditor's device cookie does not exempt this browser from the operator's lock.
    assert LOCKED in _attempt(client, PASSWORD, user).content.decode()


def test_it_ends_every_lockout_by_itself(staff, settings):
    user = staff.persona("operator")
    attacker = Client()
    for _ in range(settings.CORRIDOR_LOGIN_FREE_FAILURES + 30):
        _attempt(attacker, "guess")
    row = LoginThrottle.objects.get()
    # The wait doubles but never exceeds the cap, however many failures.
    assert row.locked_until - timezone.now() <= timedelta(
        seconds=settings.CORRIDOR_LOGIN_MAX_LOCK_SECONDS
    )
    LoginThrottle.objects.update(locked_until=timezone.now() - timedelta(seconds=1))
    assert _attempt(Client(), PASSWORD, user).status_code == 302


def test_it_doubles_the_wait_up_to_the_cap(settings):
    free = settings.CORRIDOR_LOGIN_FREE_FAILURES
    assert throttle.lock_seconds(free - 1) == 0
    assert throttle.lock_seconds(free) == 30
    assert throttle.lock_seconds(free + 1) == 60
    assert throttle.lock_seconds(free + 100) == settings.CORRIDOR_LOGIN_MAX_LOCK_SECONDS


def test_it_keys_the_counter_by_hash_not_by_name(staff):
    staff.persona("operator")
    _attempt(Client(), "guess")
    assert "operator" not in LoginThrottle.objects.get().key
