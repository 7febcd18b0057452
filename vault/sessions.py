"""Split-key sessions: the unwrapped private key never rests whole in one place, and the
server-side session is worth nothing without the browser's half.

At login the key is encrypted with a fresh random session key; the ciphertext goes into the
server-side session, the session key into its own ``HttpOnly; Secure; SameSite=Strict``
cookie. Neither the database nor the cookie alone yields the key; it exists in plaintext only
inside a request.

Every login step sets that cookie, the half-login before the second factor too (then with a
random token that opens nothing), and the session keeps a keyed hash of it: a session row
presented without the matching cookie is refused on every staff page
(``accounts.middleware``), not only where a key is used. Logout and expiry delete the row and
both cookies.
"""

import base64
import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from vault import crypto
from vault.keys import keyring

# The split key's half in the browser; __Host- in production like every other cookie.
COOKIE = settings.COOKIE_PREFIX + "corridor_vault"
_SESSION_FIELD = "vault_wrapped"
_BIND_FIELD = "vault_bound"


class Locked(Exception):
    """This request carries no usable key: log in again."""


def bind(request: HttpRequest) -> None:
    """Half-login (no second factor yet, so no key): tie the session to a fresh random cookie."""
    token = crypto.random_key()
    request.session.pop(_SESSION_FIELD, None)
    request.session[_BIND_FIELD] = _binding(token)
    request._vault_cookie = base64.urlsafe_b64encode(token).decode()


def start(request: HttpRequest, private: bytes) -> None:
    """Full login: wrap ``private`` under a fresh session key that only the cookie carries."""
    session_key = crypto.random_key()
    request.session[_SESSION_FIELD] = base64.b64encode(
        crypto.secretbox_encrypt(session_key, private)
    ).decode()
    request.session[_BIND_FIELD] = _binding(session_key)
    request._vault_cookie = base64.urlsafe_b64encode(session_key).decode()


def _binding(token: bytes) -> str:
    return crypto.keyed_hash(keyring().wrap_secret, token, person=b"session-binding").hex()


def _cookie_bytes(value: str | None) -> bytes | None:
    if not value or len(value) > 100:
        return None
    try:
        raw = base64.urlsafe_b64decode(value.encode())
    except ValueError:
        return None
    return raw if len(raw) == crypto.KEY_BYTES else None


def is_bound(request: HttpRequest) -> bool:
    """Does this request carry the cookie this session was bound to at login?"""
    stored = request.session.get(_BIND_FIELD)
    token = _cookie_bytes(request.COOKIES.get(COOKIE))
    if not isinstance(stored, str) or token is None:
        return False
    return hmac.compare_digest(_binding(token), stored)


def set_cookie(request: HttpRequest, response: HttpResponse) -> None:
    """Send the session key set by ``start`` (call on the login response)."""
    value = getattr(request, "_vault_cookie", None)
    if value:
        response.set_cookie(
            COOKIE, value, secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Strict"
        )


def end(response: HttpResponse) -> None:
    response.delete_cookie(COOKIE, samesite="Strict")


def private_key(request: HttpRequest) -> bytes:
    wrapped = request.session.get(_SESSION_FIELD)
    cookie = request.COOKIES.get(COOKIE) or getattr(request, "_vault_cookie", None)
    if not wrapped or not cookie:
        raise Locked("no key in this session")
    try:
        session_key = base64.urlsafe_b64decode(cookie.encode())
        return crypto.secretbox_decrypt(session_key, base64.b64decode(wrapped))
    except (crypto.DecryptionFailed, ValueError) as error:
        raise Locked("the session key does not open this session") from error


def is_unlocked(request: HttpRequest) -> bool:
    try:
        private_key(request)
    except Locked:
        return False
    return True


# --- applicant portal sessions ------------------------------------------------------------------
# The cookie carries a random token and a random key; the database row is found by a hash of
# the token and holds only the state encrypted under the key.

_PORTAL_AD = b"intake_portalsession|state"


def new_portal_session() -> tuple[bytes, bytes, str]:
    """(row id, state key, cookie value) for a new portal session."""
    token, key = crypto.random_key(), crypto.random_key()
    return _row_id(token), key, base64.urlsafe_b64encode(token + key).decode()


def portal_session_from_cookie(value: str | None) -> tuple[bytes, bytes] | None:
    if not value or len(value) > 100:
        return None
    try:
        raw = base64.urlsafe_b64decode(value.encode())
    except ValueError:
        return None
    if len(raw) != 64:
        return None
    return _row_id(raw[:32]), raw[32:]


def _row_id(token: bytes) -> bytes:
    return crypto.keyed_hash(b"", token, person=b"portal-session")


def seal_state(key: bytes, row_id: bytes, state: dict) -> bytes:
    import json

    return crypto.aead_encrypt(key, json.dumps(state).encode(), _PORTAL_AD + row_id)


def open_state(key: bytes, row_id: bytes, sealed: bytes) -> dict | None:
    import json

    try:
        return json.loads(crypto.aead_decrypt(key, sealed, _PORTAL_AD + row_id))
    except crypto.DecryptionFailed:
        return None


# --- staff session ids --------------------------------------------------------------------------


def session_row_id(session_key: str) -> str:
    """The database key of a staff session: a BLAKE2b hash of the cookie's session key, keyed
    with the wrap secret (kept outside the database) under its own personalisation. A database
    reader sees only this; it names no cookie (accounts/session_store.py)."""
    return crypto.keyed_hash(
        keyring().wrap_secret, session_key.encode(), person=b"staff-session-id"
    ).hex()
