"""Deny by default: every staff page needs a logged-in, second-factor-verified user.

Views open to strangers say so with Django's ``login_not_required``; views a half-logged-in
user may reach (second-factor enrolment, the forced password change, logout) carry
``accounts.decorators.step``. ``tests/accounts/test_every_url_needs_login.py`` walks every URL
pattern to prove the rule. The middleware also ends idle sessions, sessions older than the
absolute cap, sessions older than the user's last "log out everywhere", and any session that
arrives without the browser's vault cookie it was bound to at login (vault/sessions.py): a copy
of a session row, even with its cookie, is not a session. Each end deletes the row and both
cookies.
"""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse

from audit.log import record
from vault import sessions as vault_sessions

SEEN = "seen"
EPOCH = "epoch"
STARTED = "started"
_TOUCH_EVERY = 30  # seconds; the session is written at most this often for the idle clock


class StaffAccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True):
            return None
        user = request.user
        if not user.is_authenticated:
            response = redirect_to_login(request.get_full_path())
            if vault_sessions.COOKIE in request.COOKIES:
                vault_sessions.end(response)  # the other half of a session that expired
            return response
        if not vault_sessions.is_bound(request) or (
            user.is_verified() and not vault_sessions.is_unlocked(request)
        ):
            # The row (and perhaps its cookie) without the browser's half: a copy, or a
            # browser that lost a cookie. Either way this session is over, on every page.
            record("session_refused", actor=user, object_type="user", object_id=user.pk)
            logout(request)
            response = redirect_to_login(request.get_full_path())
            vault_sessions.end(response)
            return response
        now = int(time.time())
        seen = request.session.get(SEEN, now)
        started = request.session.get(STARTED, 0)
        if (
            now - seen > settings.CORRIDOR_IDLE_TIMEOUT
            or now - started > settings.SESSION_COOKIE_AGE
        ):
            record("session_expired", actor=user, object_type="user", object_id=user.pk)
            logout(request)
            return _expired()
        if request.session.get(EPOCH) != user.session_epoch:
            logout(request)
            return _expired()
        if now - seen >= _TOUCH_EVERY or SEEN not in request.session:
            request.session[SEEN] = now
            # The row holding the wrapped key dies with the idle clock (or the absolute cap,
            # whichever comes first), not hours later.
            request.session.set_expiry(
                min(settings.CORRIDOR_IDLE_TIMEOUT, settings.SESSION_COOKIE_AGE - (now - started))
            )
        step = getattr(view_func, "login_step", None)
        if not user.is_verified():
            return None if step == "enrol" or step == "any" else redirect("accounts:enrol")
        if user.password_is_temporary:
            return None if step == "password" or step == "any" else redirect("accounts:password")
        return None


def _expired():
    response = redirect(reverse(settings.LOGIN_URL) + "?expired=1")
    vault_sessions.end(response)
    return response


staff_access = StaffAccessMiddleware
