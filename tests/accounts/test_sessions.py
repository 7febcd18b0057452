"""Sessions end when idle, on "log out everywhere", on deactivation and on password change."""

import time

from django.test import Client

from accounts.models import TOTPDevice
from audit.models import Event
from tests.factories import PASSWORD, totp_now


def test_it_ends_an_idle_session(staff, settings):
    client = staff.client(staff.persona("operator"))
    assert client.get("/").status_code == 200
    session = client.session
    session["seen"] = int(time.time()) - settings.CORRIDOR_IDLE_TIMEOUT - 5
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/login/?expired=1"
    assert client.get("/").status_code == 302
    assert Event.objects.filter(action="session_expired").exists()


def test_it_keeps_an_active_session(staff, settings):
    client = staff.client(staff.persona("operator"))
    session = client.session
    session["seen"] = int(time.time()) - settings.CORRIDOR_IDLE_TIMEOUT + 60
    session.save()
    assert client.get("/").status_code == 200


def test_it_logs_out_everywhere(staff):
    user = staff.persona("operator")
    laptop = staff.client(user)
    phone = staff.client(user)
    assert laptop.get("/").status_code == phone.get("/").status_code == 200
    assert phone.get("/account/logout-everywhere/").status_code == 405
    phone.post("/account/logout-everywhere/")
    assert laptop.get("/").status_code == 302
    assert phone.get("/").status_code == 302
    assert Event.objects.filter(action="logout_everywhere", actor=user).exists()


def test_it_ends_the_sessions_of_a_deactivated_user(staff):
    admin = staff.persona("admin")
    user = staff.persona("operator")
    client = staff.client(user)
    staff.client(admin).post(f"/staff/{user.pk}/", {"roles": ["operator"], "operation": "save"})
    assert client.get("/").status_code == 302


def test_it_forces_a_temporary_password_to_be_changed(staff):
    user = staff.persona("operator")
    user.password_is_temporary = True
    user.save(update_fields=["password_is_temporary"])
    client = Client()
    client.cookies["corridor_language"] = "en"
    client.post(
        "/login/",
        {
            "username": "operator",
            "password": PASSWORD,
            "code": totp_now(TOTPDevice.objects.get(user=user)),
        },
    )
    assert client.get("/")["Location"] == "/account/password/"
    weak = client.post(
        "/account/password/", {"current": PASSWORD, "new1": "short", "new2": "short"}
    )
    assert weak.status_code == 200 and "too short" in weak.content.decode()
    new = "a much longer passphrase 42"
    response = client.post("/account/password/", {"current": PASSWORD, "new1": new, "new2": new})
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # this session survives its own change
    user.refresh_from_db()
    assert user.check_password(new) and not user.password_is_temporary
