"""First login: a user without a second factor can do nothing but enrol one."""

import re

import pytest
from django.test import Client

from accounts.models import TOTPDevice
from audit.models import Event
from tests.factories import PASSWORD, totp_now

STAFF_PAGES = ["/", "/account/", "/account/password/", "/staff/", "/teams/", "/audit/"]


@pytest.fixture
def half_logged_in(staff):
    user = staff.make("newcomer", roles=["admin"], enrolled=False)
    client = Client()
    client.cookies["corridor_language"] = "en"
    response = client.post("/login/", {"username": "newcomer", "password": PASSWORD, "code": ""})
    assert response.status_code == 302
    return user, client


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_it_redirects_an_unverified_user_from_every_staff_page(half_logged_in, url):
    _user, client = half_logged_in
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == "/enrol/"


def test_it_enrols_totp_with_a_locally_rendered_qr_code(half_logged_in):
    user, client = half_logged_in
    page = client.get("/enrol/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in html  # rendered here, not by any external service
    assert "http://" not in html.split("<body", 1)[1].replace("http://www.w3.org", "")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    wrong = client.post("/enrol/", {"code": "000000"})
    assert "This code is not right" in wrong.content.decode()
    # django-otp makes a device wait after a failure; skip the wait rather than sleep.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    done = client.post("/enrol/", {"code": totp_now(device)})
    codes = re.findall(r"<code>([a-z0-9]{8})</code>", done.content.decode())
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    # The password-only session ends: the key is unwrapped only by a full login.
    assert client.get("/").status_code == 302
    assert "corridor_vault" not in client.cookies or not client.cookies["corridor_vault"].value
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    client.post("/login/", {"username": "newcomer", "password": PASSWORD, "code": totp_now(device)})
    assert client.get("/").status_code == 200
    assert client.cookies["corridor_vault"].value
    assert Event.objects.filter(action="second_factor_enrolled", actor=user).exists()


def test_it_requires_the_code_once_a_device_exists(staff):
    staff.make("enrolled", roles=["admin"])
    client = Client()
    response = client.post("/login/", {"username": "enrolled", "password": PASSWORD, "code": ""})
    assert response.status_code == 200
    assert client.get("/").status_code == 302


def test_a_password_alone_never_unwraps_the_key(half_logged_in):
    """Before enrolment the session holds no key: a phished password opens nothing."""
    from django.test import RequestFactory

    from vault import sessions

    _user, client = half_logged_in
    assert "vault_wrapped" not in client.session
    # The half-login's vault cookie only binds the session to this browser; it opens no key.
    request = RequestFactory().get("/")
    request.session = client.session
    request.COOKIES[sessions.COOKIE] = client.cookies[sessions.COOKIE].value
    assert sessions.is_bound(request) and not sessions.is_unlocked(request)
