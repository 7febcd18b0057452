"""Password and second-factor code in one form; one message for every refusal."""

from django.test import Client

from accounts import actions
from accounts.models import BackupCode, TOTPDevice
from audit.models import Event
from tests.factories import PASSWORD, totp_now

GENERIC = "The user name, password or code is wrong."


def _post(client, username, password, code):
    return client.post(
        "/login/",
        {"username": username, "password": password, "code": code},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def _en(client):
    client.cookies["corridor_language"] = "en"
    return client


def test_it_logs_in_with_password_and_totp(staff):
    user = staff.persona("operator")
    device = TOTPDevice.objects.get(user=user)
    client = _en(Client())
    response = _post(client, "operator", PASSWORD, totp_now(device))
    assert response.status_code == 302 and response["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert b"Dashboard" in page.content
    event = Event.objects.filter(action="login").get()
    assert event.actor == user and event.detail == {"second_factor": True}


def test_it_refuses_a_right_password_with_a_wrong_code(staff):
    staff.persona("operator")
    client = _en(Client())
    response = _post(client, "operator", PASSWORD, "000000")
    assert response.status_code == 200
    assert GENERIC in response.content.decode()
    assert client.get("/").status_code == 302
    assert Event.objects.filter(action="login_failed").get().detail == {"reason": "code"}


def test_it_refuses_a_right_code_with_a_wrong_password(staff):
    user = staff.persona("operator")
    client = _en(Client())
    response = _post(
        client, "operator", "wrong password", totp_now(TOTPDevice.objects.get(user=user))
    )
    assert GENERIC in response.content.decode()
    assert client.get("/").status_code == 302


def test_it_handles_unknown_name_like_a_wrong_password(staff):
    staff.persona("operator")
    unknown = _post(_en(Client()), "nobody", PASSWORD, "123456")
    known = _post(_en(Client()), "operator", "wrong password", "123456")
    assert unknown.status_code == known.status_code == 200
    assert GENERIC in unknown.content.decode() and GENERIC in known.content.decode()
    # The audit log names no typed user name for an unknown account.
    assert Event.objects.filter(action="login_failed", actor=None).count() == 1


def test_it_accepts_a_backup_code_once(staff):
    user = staff.persona("operator")
    codes = actions.new_backup_codes(user)
    assert _post(_en(Client()), "operator", PASSWORD, codes[0]).status_code == 302
    again = _post(_en(Client()), "operator", PASSWORD, codes[0])
    assert GENERIC in again.content.decode()
    assert BackupCode.objects.filter(device__user=user).count() == len(codes) - 1


def test_it_refuses_a_totp_code_used_twice(staff):
    user = staff.persona("operator")
    code = totp_now(TOTPDevice.objects.get(user=user))
    assert _post(_en(Client()), "operator", PASSWORD, code).status_code == 302
    assert GENERIC in _post(_en(Client()), "operator", PASSWORD, code).content.decode()


def test_it_refuses_an_inactive_user(staff):
    user = staff.persona("operator")
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = _post(
        _en(Client()), "operator", PASSWORD, totp_now(TOTPDevice.objects.get(user=user))
    )
    assert GENERIC in response.content.decode()


def test_it_never_writes_the_password_or_code_into_the_audit_log(staff):
    user = staff.persona("operator")
    _post(_en(Client()), "operator", "Secret-guess-123", "654321")
    _post(_en(Client()), "operator", PASSWORD, totp_now(TOTPDevice.objects.get(user=user)))
    dump = repr(list(Event.objects.values()))
    assert "Secret-guess-123" not in dump and PASSWORD not in dump and "654321" not in dump


def test_it_redirects_only_to_own_pages_after_login(staff):
    user = staff.persona("operator")
    code = totp_now(TOTPDevice.objects.get(user=user))
    response = Client().post(
        "/login/?next=https://evil.example/",
        {
            "username": "operator",
            "password": PASSWORD,
            "code": code,
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == "/"


def test_it_rejects_get_on_logout(staff):
    client = staff.client(staff.persona("operator"))
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302
