"""Second factors: an authenticator app (TOTP) and one-time backup codes.

The database holds neither in a usable form: a TOTP seed is sealed to its device row and a
backup code is a keyed hash, both under keys derived from the key directory
(vault/second_factors.py). Around that this module keeps django-otp's behaviour: codes one
time step early or late are accepted (``tolerance``) and the phone's drift is learnt, each
device waits longer after every failure (django-otp's ``ThrottlingMixin``), and no code is
accepted twice: a TOTP code's time step must be later than the last accepted one, and a used
backup code's row is deleted.

Changes that need an audit event (enrolment, reset, new backup codes) are in
accounts/actions.py, which calls these.
"""

import base64
import logging
import time
from urllib.parse import quote, urlencode

from django.conf import settings
from django.db import transaction
from django_otp.models import Device
from django_otp.oath import TOTP

from accounts.models import BackupCode, BackupCodeDevice, TOTPDevice, User
from audit.log import record
from vault import second_factors as sealed

BACKUP_CODE_COUNT = 10
_THROTTLE_FIELDS = ["throttling_failure_timestamp", "throttling_failure_count"]

log = logging.getLogger("corridor.accounts")


# --- the authenticator app ----------------------------------------------------------------------


def new_totp_device(user: User, *, confirmed: bool = False) -> TOTPDevice:
    """A device with a fresh random seed, sealed to this user and this row before the insert."""
    device = TOTPDevice(
        user=user,
        name="authenticator",
        confirmed=confirmed,
        tolerance=getattr(settings, "OTP_TOTP_TOLERANCE", 1),
    )
    device.sealed_seed = sealed.seal_totp_seed(
        sealed.new_totp_seed(), user_id=user.pk, device=device.uuid
    )
    device.save(force_insert=True)
    return device


def seed_opens(device: TOTPDevice) -> bool:
    try:
        _seed(device)
    except sealed.SeedDoesNotOpen:
        return False
    return True


def _seed(device: TOTPDevice) -> bytes:
    return sealed.open_totp_seed(device.sealed_seed, user_id=device.user_id, device=device.uuid)


def totp_secret(device: TOTPDevice) -> str:
    """The seed in the base32 form authenticator apps accept for manual entry. Only for the
    enrolment page (and the demo printout): the seed is shown once and never again."""
    return base64.b32encode(_seed(device)).decode().rstrip("=")


def config_url(device: TOTPDevice) -> str:
    """The otpauth:// URI the enrolment page's QR code carries (the key URI format of
    authenticator apps, as django-otp builds it)."""
    label = device.user.get_username()
    params = urlencode(
        {
            "secret": totp_secret(device),
            "algorithm": "SHA1",
            "digits": device.digits,
            "period": device.step,
        }
    )
    issuer = str(getattr(settings, "OTP_TOTP_ISSUER", "") or "").replace(":", "")
    if issuer:
        label = f"{issuer}:{label}"
        params += f"&issuer={quote(issuer)}"
    return f"otpauth://totp/{quote(label)}?{params}"


def verify_totp(device: TOTPDevice, token: str) -> bool:
    """Check a six-digit code against the device's sealed seed.

    The accepted time step is recorded with a compare-and-set (``last_t`` only ever rises), so
    two logins racing with one code cannot both pass, even without a row lock. A seed that does
    not open (moved from another row, changed, or another key directory) never verifies.
    """
    allowed, _detail = device.verify_is_allowed()
    if not allowed:
        return False
    token = str(token).strip()
    step = None
    if len(token) == device.digits and token.isascii() and token.isdigit():
        try:
            seed = _seed(device)
        except sealed.SeedDoesNotOpen:
            log.warning("TOTP device %s: the sealed seed does not open", device.pk)
            record(
                "second_factor_unreadable",
                object_type="user",
                object_id=device.user_id,
                device=device.pk,
            )
            seed = None
        if seed is not None:
            totp = TOTP(seed, device.step, device.t0, device.digits, device.drift)
            totp.time = time.time()
            if totp.verify(int(token), device.tolerance, device.last_t + 1):
                step = totp.t()
                drift = totp.drift if getattr(settings, "OTP_TOTP_SYNC", True) else device.drift
    if step is not None:
        won = TOTPDevice.objects.filter(pk=device.pk, last_t__lt=step).update(
            last_t=step, drift=drift, throttling_failure_count=0, throttling_failure_timestamp=None
        )
        if won:
            device.last_t, device.drift = step, drift
            device.throttle_reset(commit=False)
            return True
    device.throttle_increment(commit=False)
    device.save(update_fields=_THROTTLE_FIELDS)
    return False


# --- backup codes -------------------------------------------------------------------------------


def replace_backup_codes(user: User) -> list[str]:
    """Ten new codes, returned once to be shown once; every older code stops working."""
    device, _created = BackupCodeDevice.objects.get_or_create(
        user=user, defaults={"name": "backup"}
    )
    device.codes.all().delete()
    codes = [sealed.new_backup_code() for _ in range(BACKUP_CODE_COUNT)]
    BackupCode.objects.bulk_create(
        [BackupCode(device=device, digest=_digest(device, code)) for code in codes]
    )
    return codes


def _digest(device: BackupCodeDevice, code: str) -> bytes:
    return sealed.backup_code_digest(code, user_id=device.user_id, device=device.uuid)


def _normalise_backup_code(token: str) -> str | None:
    code = str(token).replace(" ", "").replace("-", "").strip().lower()
    if len(code) == sealed.BACKUP_CODE_LENGTH and all(
        ch in sealed.BACKUP_CODE_ALPHABET for ch in code
    ):
        return code
    return None


def verify_backup_code(device: BackupCodeDevice, token: str) -> bool:
    """Accept an unused code once: its row is deleted, and only the request whose delete
    removed it succeeds. Every stored digest is compared in full, in constant time."""
    allowed, _detail = device.verify_is_allowed()
    if not allowed:
        return False
    code = _normalise_backup_code(token)
    match = None
    if code is not None:
        digest = _digest(device, code)
        for row in device.codes.all():
            if sealed.digests_equal(row.digest, digest):
                match = row.pk
    if match is not None and BackupCode.objects.filter(pk=match, device=device).delete()[0]:
        device.throttle_reset(commit=False)
        device.save(update_fields=_THROTTLE_FIELDS)
        return True
    device.throttle_increment(commit=False)
    device.save(update_fields=_THROTTLE_FIELDS)
    return False


# --- login --------------------------------------------------------------------------------------


@transaction.atomic
def check_code(user: User, code: str) -> Device | None:
    """The confirmed device that accepts ``code`` (used up by this call), or None.

    Six digits go to the authenticator, eight base32 letters to the backup codes, so a backup
    code never counts as a failed authenticator code (nor the reverse) in either throttle.
    """
    code = str(code).replace(" ", "")
    devices: list[Device] = []
    if code.isascii() and code.isdigit():
        devices += TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True)
    if _normalise_backup_code(code) is not None:
        devices += BackupCodeDevice.objects.select_for_update().filter(user=user, confirmed=True)
    for device in devices:
        if device.verify_token(code):
            return device
    return None
