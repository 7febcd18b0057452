"""The session table stores no cookie value: a copy of it names no session anyone can send."""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.models import StaffSession
from vault.sessions import session_row_id


def _cookie(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_the_row_holds_a_keyed_hash_of_the_cookie_never_the_cookie(staff):
    user = staff.persona("operator")
    client = staff.client(user)
    value = _cookie(client)
    row = StaffSession.objects.get()
    assert row.session_key == session_row_id(value)
    assert value not in row.session_key and value not in row.session_data
    # Not a plain hash either: a reader without the key directory cannot compute it.
    for plain in (hashlib.sha256, hashlib.blake2b, hashlib.sha3_256):
        assert plain(value.encode()).hexdigest()[:64] != row.session_key
    assert row.user_id == user.pk


def test_a_cookie_made_from_the_row_is_not_a_session(staff):
    client = staff.client(staff.persona("operator"))
    assert client.get("/").status_code == 200
    row = StaffSession.objects.get()
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = row.session_key
    response = thief.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert client.get("/").status_code == 200  # the real browser is not disturbed


def test_each_login_gets_its_own_row_and_logout_deletes_it(staff):
    user = staff.persona("operator")
    laptop, phone = staff.client(user), staff.client(user)
    assert StaffSession.objects.filter(user=user).count() == 2
    laptop.post("/logout/")
    assert list(StaffSession.objects.filter(user=user).values_list("session_key", flat=True)) == [
        session_row_id(_cookie(phone))
    ]


def test_clearsessions_deletes_expired_rows_and_keeps_live_ones(staff):
    staff.client(staff.persona("operator"))
    staff.client(staff.persona("auditor"))
    old = StaffSession.objects.order_by("session_key").first()
    StaffSession.objects.filter(pk=old.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    call_command("clearsessions")
    assert StaffSession.objects.count() == 1
    assert not StaffSession.objects.filter(pk=old.pk).exists()


def test_the_portal_keeps_no_staff_session(client, programme):
    """The applicant portal has its own sessions (intake.PortalSession); it never writes here."""
    from tests.intake.test_portal_flow import apply, login

    codename, _phrase, _duress = apply(client)
    login(client, codename)
    assert not StaffSession.objects.exists()
    assert settings.SESSION_COOKIE_NAME not in client.cookies
