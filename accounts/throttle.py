"""Login throttling that stops password guessing without handing an attacker a lockout switch.

Failures are counted per user name and per kind of client, never per IP address (Corridor
stores none). A browser where that user has logged in before carries a signed device cookie
and is counted apart from everybody else (OWASP's "device cookie" scheme): a stranger
hammering a user's name locks out only strangers, never that user on his own machine. After
``CORRIDOR_LOGIN_FREE_FAILURES`` failures, each further attempt waits, the wait doubling up to
``CORRIDOR_LOGIN_MAX_LOCK_SECONDS`` and never longer, so no lockout is permanent. The
counter is keyed by a keyed hash, so the table never holds a typed name.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.models import LoginThrottle, User

DEVICE_COOKIE = settings.COOKIE_PREFIX + "corridor_device"
_DEVICE_SALT = "corridor.accounts.device"


def _key(kind: str, value: str) -> str:
    return salted_hmac(
        "corridor.accounts.throttle", f"{kind}:{value}", algorithm="sha256"
    ).hexdigest()


def _device_nonce(request: HttpRequest, username: str) -> str | None:
    raw = request.COOKIES.get(DEVICE_COOKIE)
    if not raw:
        return None
    max_age = settings.CORRIDOR_DEVICE_COOKIE_DAYS * 86400
    try:
        value = signing.loads(raw, salt=_DEVICE_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("n"), str):
        return None
    owner = User.objects.filter(username=username).values_list("pk", flat=True).first()
    return value["n"] if owner is not None and owner == value.get("u") else None


def client_key(request: HttpRequest, username: str) -> str:
    nonce = _device_nonce(request, username)
    if nonce:
        return _key("device", nonce)
    return _key("name", username.strip().casefold())


def seconds_to_wait(key: str) -> int:
    locked_until = (
        LoginThrottle.objects.filter(key=key).values_list("locked_until", flat=True).first()
    )
    if locked_until is None:
        return 0
    return max(0, int((locked_until - timezone.now()).total_seconds() + 0.999))


def lock_seconds(failures: int) -> int:
    over = failures - settings.CORRIDOR_LOGIN_FREE_FAILURES
    if over < 0:
        return 0
    return min(settings.CORRIDOR_LOGIN_MAX_LOCK_SECONDS, 30 * 2 ** min(over, 20))


def register_failure(key: str) -> None:
    with transaction.atomic():
        LoginThrottle.objects.get_or_create(key=key)
        LoginThrottle.objects.filter(key=key).update(failures=F("failures") + 1)
        row = LoginThrottle.objects.select_for_update().get(key=key)
        wait = lock_seconds(row.failures)
        if wait:
            row.locked_until = timezone.now() + timedelta(seconds=wait)
            row.save(update_fields=["locked_until", "updated_at"])


def register_success(key: str) -> None:
    LoginThrottle.objects.filter(key=key).delete()


def remember_device(response: HttpResponse, user: User) -> None:
    value = signing.dumps({"u": user.pk, "n": secrets.token_urlsafe(16)}, salt=_DEVICE_SALT)
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=settings.CORRIDOR_DEVICE_COOKIE_DAYS * 86400,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )
