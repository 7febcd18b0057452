"""Portal sessions: answers in progress and a logged-in codename's keys, encrypted under a key
that only the applicant's cookie holds (vault.sessions). No IP address, no account.

The portal leaves no trace on the phone: its one cookie lives only as long as the browser
session (no expiry date), the CSRF token is derived from that cookie's session key instead of
a one-year CSRF cookie (``PortalCsrfMiddleware``), and logout sends ``Clear-Site-Data``.
"""

import json
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, CsrfViewMiddleware
from django.utils import timezone

from corridor.middleware import on_portal_host
from intake.models import PortalSession
from vault import crypto, sessions

COOKIE = settings.CORRIDOR_PORTAL_COOKIE_NAME
# What logout asks the browser to forget: every cookie, storage and cached page of the origin.
CLEAR_SITE_DATA = '"cache", "cookies", "storage"'


@dataclass
class Portal:
    row_id: bytes
    key: bytes
    state: dict = field(default_factory=dict)
    cookie: str | None = None  # set when the session is new
    submissions: int = 0

    def __repr__(self) -> str:
        return "Portal(…)"


def is_portal(request: HttpRequest) -> bool:
    return request.path.startswith("/portal/") or on_portal_host(request)


def load(request: HttpRequest) -> Portal | None:
    parts = sessions.portal_session_from_cookie(request.COOKIES.get(COOKIE))
    if parts is None:
        return None
    row_id, key = parts
    row = PortalSession.objects.filter(id=row_id, expires_at__gt=timezone.now()).first()
    if row is None:
        return None
    state = sessions.open_state(key, row_id, bytes(row.state))
    if state is None:
        return None
    state.pop(_PAD, None)
    return Portal(row_id, key, state, submissions=row.submissions)


def load_or_start(request: HttpRequest) -> Portal:
    portal = load(request)
    if portal is not None:
        return portal
    parts = sessions.portal_session_from_cookie(request.COOKIES.get(COOKIE))
    if parts is not None:  # a cookie sent with a form before any answer: keep its key
        return Portal(parts[0], parts[1], {}, request.COOKIES[COOKIE])
    row_id, key, cookie = _fresh(request)
    return Portal(row_id, key, {}, cookie)


def _fresh(request: HttpRequest) -> tuple[bytes, bytes, str]:
    """The new session of a request that came without one (the same one all request long, so
    the CSRF token of its page is the one its cookie opens)."""
    if not hasattr(request, "_portal_fresh"):
        request._portal_fresh = sessions.new_portal_session()
    return request._portal_fresh


def _set_cookie(response: HttpResponse, value: str) -> None:
    # No max_age or expires: the cookie dies with the browser session.
    response.set_cookie(
        COOKIE, value, httponly=True, samesite="Strict", secure=settings.SESSION_COOKIE_SECURE
    )


def csrf_secret(request: HttpRequest) -> str:
    """The CSRF secret of a portal request, derived from its session key (never stored)."""
    parts = sessions.portal_session_from_cookie(request.COOKIES.get(COOKIE))
    key = parts[1] if parts is not None else _fresh(request)[1]
    digest = crypto.keyed_hash(key, b"csrf", person=b"portal-csrf", size=CSRF_SECRET_LENGTH)
    return "".join(CSRF_ALLOWED_CHARS[b % len(CSRF_ALLOWED_CHARS)] for b in digest)


class PortalCsrfMiddleware(CsrfViewMiddleware):
    """Django's CSRF protection; on the portal the secret travels in the portal session's own
    cookie instead of a one-year CSRF cookie. A page that shows a form to someone without a
    session sends him a session cookie (no database row until he answers something)."""

    def _get_secret(self, request):
        if not is_portal(request):
            return super()._get_secret(request)
        return csrf_secret(request)

    def _set_csrf_cookie(self, request, response):
        if not is_portal(request):
            return super()._set_csrf_cookie(request, response)
        fresh = getattr(request, "_portal_fresh", None)
        if fresh is not None and COOKIE not in response.cookies:
            _set_cookie(response, fresh[2])


def save(portal: Portal, response: HttpResponse) -> HttpResponse:
    """Store the session and, for a new one, send its cookie with ``response``."""
    store(portal)
    if portal.cookie:
        _set_cookie(response, portal.cookie)
    return response


_PAD = "_pad"
_STATE_SIZE = 512  # bytes of JSON, then powers of two


def _padded(state: dict) -> dict:
    """The state with filler, so that its ciphertext's length falls in a size class: a logged-in
    session of a real, an unknown or a duress codename writes a row of the same size."""
    size = len(json.dumps({**state, _PAD: ""}).encode())
    bucket = _STATE_SIZE
    while bucket < size:
        bucket *= 2
    return {**state, _PAD: " " * (bucket - size)}


def store(portal: Portal) -> None:
    """Write the session's encrypted state, once per request (a new session also needs
    ``save``'s cookie)."""
    expires = timezone.now() + timedelta(seconds=settings.CORRIDOR_PORTAL_IDLE_SECONDS)
    fields = {
        "state": sessions.seal_state(portal.key, portal.row_id, _padded(portal.state)),
        "expires_at": expires,
        "submissions": portal.submissions,
    }
    # One statement per step: a new session (its random id never stored) is an insert, a
    # loaded one an update. A loaded row that expired and was purged meanwhile is made again.
    if portal.cookie:
        PortalSession.objects.create(id=portal.row_id, **fields)
    elif not PortalSession.objects.filter(id=portal.row_id).update(**fields):
        try:
            with transaction.atomic():
                PortalSession.objects.create(id=portal.row_id, **fields)
        except IntegrityError:  # another request of this session made it first
            PortalSession.objects.filter(id=portal.row_id).update(**fields)


def end(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    parts = sessions.portal_session_from_cookie(request.COOKIES.get(COOKIE))
    if parts is not None:
        PortalSession.objects.filter(id=parts[0]).delete()
    response.delete_cookie(COOKIE, samesite="Strict")
    response["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


def restart(request: HttpRequest) -> Portal:
    """Drop the current portal session (if any) and start a new one, new key and cookie."""
    parts = sessions.portal_session_from_cookie(request.COOKIES.get(COOKIE))
    if parts is not None:
        PortalSession.objects.filter(id=parts[0]).delete()
    row_id, key, cookie = sessions.new_portal_session()
    return Portal(row_id, key, {}, cookie)


def purge_expired() -> int:
    deleted, _ = PortalSession.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
