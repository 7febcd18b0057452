"""Split-key sessions: the unwrapped private key never rests whole in one place.

At login the key is encrypted with a fresh random session key; the ciphertext goes into the
server-side session, the session key into its own ``HttpOnly; Secure; SameSite=Strict``
cookie. Neither the database nor the cookie alone yields the key; it exists in plaintext only
inside a request. Logout flushes the session and deletes the cookie; an expired session
leaves a cookie that opens nothing.
"""

import base64

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from vault import crypto

COOKIE = "corridor_vault"
_SESSION_FIELD = "vault_wrapped"


class Locked(Exception):
    """This request carries no usable key: log in again."""


def start(request: HttpRequest, private: bytes) -> None:
    session_key = crypto.random_key()
    request.session[_SESSION_FIELD] = base64.b64encode(
        crypto.secretbox_encrypt(session_key, private)
    ).decode()
    request._vault_cookie = base64.urlsafe_b64encode(session_key).decode()


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
