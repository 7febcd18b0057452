"""Second factors at rest: a sealed seed and keyed hashes that only this key directory opens.

The database-file scan is in test_second_factor_leak.py; these tests attack the rows.
"""

import hashlib
import re

from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client

from accounts import actions, second_factor
from accounts.models import BackupCode, BackupCodeDevice, TOTPDevice
from audit.models import Event
from tests.factories import PASSWORD, totp_now
from vault import keys
from vault import second_factors as sealed

GENERIC = "The user name, password or code is wrong."


def _login(username: str, code: str, password: str = PASSWORD):
    client = Client()
    client.cookies["corridor_language"] = "en"
    response = client.post("/login/", {"username": username, "password": password, "code": code})
    return response


def _logged_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/"


def _fresh_step(device: TOTPDevice) -> None:
    """Tests log in several times within one 30-second step; a code is accepted once a step."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
    )


def _no_wait(user) -> None:
    """Skip django-otp's wait after a failed backup code rather than sleep."""
    BackupCodeDevice.objects.filter(user=user).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )


# --- the row holds no seed and no code -------------------------------------------------------


def test_the_device_row_holds_the_seed_only_sealed(staff):
    user = staff.persona("operator")
    device = TOTPDevice.objects.get(user=user)
    seed = sealed.open_totp_seed(device.sealed_seed, user_id=user.pk, device=device.uuid)
    row = repr(list(TOTPDevice.objects.filter(pk=device.pk).values())).encode()
    stored = bytes(device.sealed_seed)
    assert len(seed) == sealed.SEED_BYTES
    for form in (seed, seed.hex().encode(), second_factor.totp_secret(device).encode()):
        assert form not in stored and form not in row


def test_backup_codes_are_stored_only_as_keyed_hashes(staff):
    user = staff.persona("operator")
    codes = actions.new_backup_codes(user)
    stored = [
        bytes(d)
        for d in BackupCode.objects.filter(device__user=user).values_list("digest", flat=True)
    ]
    assert len(stored) == len(codes) == 10 and len(set(codes)) == 10
    for code in codes:
        assert re.fullmatch(r"[a-z2-7]{8}", code)
        plain_hashes = {
            hashlib.new(name, code.encode()).digest() for name in ("sha256", "sha1", "md5")
        } | {hashlib.blake2b(code.encode(), digest_size=32).digest()}
        assert not any(code.encode() in d or d in plain_hashes for d in stored)


# --- logging in still works, once per code ---------------------------------------------------


def test_it_logs_in_with_the_code_of_the_sealed_seed(staff):
    user = staff.persona("operator")
    assert _logged_in(_login("operator", totp_now(TOTPDevice.objects.get(user=user))))


def test_it_accepts_the_code_of_the_step_before_and_learns_the_drift(staff):
    user = staff.persona("operator")
    device = TOTPDevice.objects.get(user=user)
    assert _logged_in(_login("operator", totp_now(device, offset=-1)))
    device.refresh_from_db()
    assert device.drift == -1


def test_it_refuses_a_code_two_steps_away(staff):
    user = staff.persona("operator")
    device = TOTPDevice.objects.get(user=user)
    assert GENERIC in _login("operator", totp_now(device, offset=3)).content.decode()


def test_it_never_accepts_one_totp_code_twice(staff):
    user = staff.persona("operator")
    code = totp_now(TOTPDevice.objects.get(user=user))
    assert _logged_in(_login("operator", code))
    assert not _logged_in(_login("operator", code))


def test_a_backup_code_logs_in_once_only(staff):
    user = staff.persona("operator")
    codes = actions.new_backup_codes(user)
    assert _logged_in(_login("operator", codes[3].upper()))  # as printed or typed in capitals
    assert not _logged_in(_login("operator", codes[3]))
    _no_wait(user)
    assert _logged_in(_login("operator", f"{codes[4][:4]} {codes[4][4:]}"))
    assert BackupCode.objects.filter(device__user=user).count() == 8


def test_a_backup_code_does_not_count_against_the_authenticator(staff):
    user = staff.persona("operator")
    codes = actions.new_backup_codes(user)
    assert _logged_in(_login("operator", codes[0]))
    assert TOTPDevice.objects.get(user=user).throttling_failure_count == 0


def test_a_wrong_code_fails_and_makes_the_device_wait(staff):
    user = staff.persona("operator")
    device = TOTPDevice.objects.get(user=user)
    actions.new_backup_codes(user)
    assert GENERIC in _login("operator", "000000").content.decode()
    assert GENERIC in _login("operator", "aaaaaaaa").content.decode()
    # django-otp's throttle: right after a failure even the right code waits.
    assert not _logged_in(_login("operator", totp_now(device)))
    _fresh_step(device)
    assert _logged_in(_login("operator", totp_now(device)))
    assert BackupCodeDevice.objects.get(user=user).throttling_failure_count == 1


def test_a_right_code_with_a_wrong_password_uses_nothing_up(staff):
    user = staff.persona("operator")
    codes = actions.new_backup_codes(user)
    assert not _logged_in(_login("operator", codes[0], password="wrong password"))
    assert _logged_in(_login("operator", codes[0]))


# --- rows moved, planted or read under other keys -------------------------------------------


def test_a_seed_moved_to_another_users_row_does_not_verify(staff):
    victim = staff.persona("operator")
    thief = staff.persona("case_officer")
    victim_device = TOTPDevice.objects.get(user=victim)
    victim_code = totp_now(victim_device)
    TOTPDevice.objects.filter(user=thief).update(sealed_seed=victim_device.sealed_seed)
    assert not _logged_in(_login("case_officer", victim_code))
    # Moving the whole row (its UUID with it) to the other user fails the same way.
    TOTPDevice.objects.filter(user=thief).delete()
    TOTPDevice.objects.filter(pk=victim_device.pk).update(user=thief)
    _fresh_step(victim_device)
    assert not _logged_in(_login("case_officer", victim_code))
    assert Event.objects.filter(action="second_factor_unreadable").count() == 2


def test_a_seed_moved_to_another_row_of_the_same_user_does_not_verify(staff):
    user = staff.persona("operator")
    device = TOTPDevice.objects.get(user=user)
    code = totp_now(device)
    spare = second_factor.new_totp_device(user, confirmed=True)
    TOTPDevice.objects.filter(pk=spare.pk).update(sealed_seed=device.sealed_seed)
    TOTPDevice.objects.filter(pk=device.pk).delete()
    assert not _logged_in(_login("operator", code))


def test_backup_code_hashes_moved_to_another_user_do_not_verify(staff):
    victim = staff.persona("operator")
    thief = staff.persona("case_officer")
    codes = actions.new_backup_codes(victim)
    actions.new_backup_codes(thief)
    BackupCode.objects.filter(device__user=victim).update(
        device=BackupCodeDevice.objects.get(user=thief)
    )
    assert not _logged_in(_login("case_officer", codes[0]))


def test_a_database_writer_cannot_plant_a_seed_or_code_he_knows(staff):
    """Write access to the database without the key directory: a seed sealed under a key of
    his own, or a plain hash of a code of his choosing, verifies nothing."""
    user = staff.persona("operator")
    device = TOTPDevice.objects.get(user=user)
    from vault import crypto

    planted = crypto.aead_encrypt(
        crypto.random_key(),
        b"k" * 20,
        f"corridor-totp-seed|user|{user.pk}|device|{device.uuid}".encode(),
    )
    TOTPDevice.objects.filter(pk=device.pk).update(sealed_seed=planted)
    from django_otp.oath import totp

    code = f"{totp(b'k' * 20):06d}"
    assert not _logged_in(_login("operator", code))
    backup = BackupCodeDevice.objects.create(user=user, name="backup")
    BackupCode.objects.create(device=backup, digest=hashlib.sha256(b"aaaabbbb").digest())
    BackupCode.objects.create(
        device=backup,
        digest=hashlib.blake2b(
            f"{user.pk}|{backup.uuid}|aaaabbbb".encode(), digest_size=32
        ).digest(),
    )
    assert not _logged_in(_login("operator", "aaaabbbb"))


def test_without_the_key_directory_secret_nothing_verifies(staff, tmp_path):
    """The same database read by a server with another key directory (a thief's own): neither
    the authenticator's code nor a backup code verifies, and the unreadable seed is audited."""
    user = staff.persona("operator")
    device = TOTPDevice.objects.get(user=user)
    codes = actions.new_backup_codes(user)
    code = totp_now(device)  # what the phone shows, computed while the right keys are loaded
    original = django_settings.CORRIDOR_KEY_DIR
    keys.init_keys(tmp_path / "other-keys")
    django_settings.CORRIDOR_KEY_DIR = str(tmp_path / "other-keys")
    keys.reload()
    try:
        assert second_factor.check_code(user, code) is None
        assert second_factor.check_code(user, codes[0]) is None
        assert not _logged_in(_login("operator", codes[1]))
        assert Event.objects.filter(action="second_factor_unreadable").exists()
    finally:
        django_settings.CORRIDOR_KEY_DIR = original
        keys.reload()
    # Back under the programme's keys the same codes work: nothing was used up.
    _fresh_step(device)
    _no_wait(user)
    assert second_factor.check_code(user, code) == device
    assert second_factor.check_code(user, codes[0]) is not None


# --- enrolment, regeneration, reset and the demo ---------------------------------------------


def test_enrolment_shows_the_sealed_seed_once_and_confirms_with_its_code(staff):
    user = staff.make("newcomer", roles=["operator"], enrolled=False)
    client = Client()
    client.cookies["corridor_language"] = "en"
    client.post("/login/", {"username": "newcomer", "password": PASSWORD, "code": ""})
    page = client.get("/enrol/").content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    secret = second_factor.totp_secret(device)
    assert " ".join(secret[i : i + 4] for i in range(0, 32, 4)) in page
    assert second_factor.config_url(device).startswith(
        f"otpauth://totp/Corridor%3Anewcomer?secret={secret}&algorithm=SHA1&digits=6&period=30"
    )
    assert secret[:4] + " " in client.get("/enrol/").content.decode()  # the same device again
    assert TOTPDevice.objects.filter(user=user).count() == 1
    done = client.post("/enrol/", {"code": totp_now(device)})
    codes = re.findall(r"<code>([a-z2-7]{8})</code>", done.content.decode())
    assert len(codes) == 10
    assert _logged_in(_login("newcomer", codes[0]))


def test_an_unconfirmed_device_whose_seed_no_longer_opens_is_replaced(staff):
    user = staff.make("newcomer", roles=["operator"], enrolled=False)
    stale = second_factor.new_totp_device(user)
    TOTPDevice.objects.filter(pk=stale.pk).update(sealed_seed=b"\x01" + b"\0" * 60)
    fresh = actions.start_totp_enrolment(user)
    assert fresh.pk != stale.pk and second_factor.seed_opens(fresh)
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_new_backup_codes_end_the_old_ones(staff):
    user = staff.persona("operator")
    old = actions.new_backup_codes(user)
    client = staff.client(user)
    page = client.post("/account/backup-codes/").content.decode()
    new = re.findall(r"<code>([a-z2-7]{8})</code>", page)
    assert len(new) == 10 and not set(new) & set(old)
    assert not _logged_in(_login("operator", old[0]))
    _no_wait(user)
    assert _logged_in(_login("operator", new[0]))
    assert Event.objects.filter(action="backup_codes_regenerated", actor=user).exists()


def test_an_admin_reset_removes_the_seed_and_every_code(staff):
    admin = staff.persona("admin")
    user = staff.persona("operator")
    codes = actions.new_backup_codes(user)
    staff.client(admin).post(f"/staff/{user.pk}/", {"operation": "reset_second_factor"})
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not BackupCode.objects.filter(device__user=user).exists()
    # The used-to-be backup code is not asked for: the next login is password-only and can
    # reach nothing but enrolment, with no key unwrapped.
    client = Client()
    client.post("/login/", {"username": "operator", "password": PASSWORD, "code": codes[0]})
    assert client.get("/")["Location"] == "/enrol/"
    # The vault cookie now only binds the half-logged-in session (vault.sessions.bind); the
    # session holds no wrapped key for it to open.
    session = client.session.load()
    assert "vault_bound" in session and "vault_wrapped" not in session


def test_the_demo_prints_a_totp_secret_and_backup_codes_that_work(
    db, capsys, tmp_path, monkeypatch
):
    monkeypatch.setenv("CORRIDOR_DEMO_LOGINS", str(tmp_path / "demo-logins.json"))
    call_command("demo")
    out = capsys.readouterr().out
    password, secret, codes = re.search(
        r"^\s+officer\s+(\S+)\s+([A-Z2-7]{32})\s+(.+)$", out, re.M
    ).groups()
    import base64

    from django_otp.oath import totp

    code = f"{totp(base64.b32decode(secret)):06d}"
    assert _logged_in(_login("officer", code, password=password))
    assert _logged_in(_login("officer", codes.split()[-1], password=password))
    # Loading the demo again keeps the seed (the printed secret stays right) and new codes.
    call_command("demo")
    again = capsys.readouterr().out
    assert secret in again and codes.split()[-1] not in again
