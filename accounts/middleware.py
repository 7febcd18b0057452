"""Deny by default: every staff page needs a logged-in, second-factor-verified user.

Views open to strangers say so with Django's ``login_not_required``; views a half-logged-in
user may reach (second-factor enrolment, the forced password change, logout) carry
``accounts.decorators.step``. ``tests/accounts/test_every_url_needs_login.py`` walks every URL
pattern to prove the rule. The middleware also ends idle sessions and sessions older than the
user's last "log out everywhere".
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
            return redirect_to_login(request.get_full_path())
        now = int(time.time())
        seen = request.session.get(SEEN, now)
        if now - seen > settings.CORRIDOR_IDLE_TIMEOUT:
            record("session_expired", actor=user, object_type="user", object_id=user.pk)
            logout(request)
            return _expired()
        if request.session.get(EPOCH) != user.session_epoch:
            logout(request)
            return _expired()
        if now - seen >= _TOUCH_EVERY or SEEN not in request.session:
            request.session[SEEN] = now
            # The row holding the wrapped key dies with the idle clock, not hours later.
            request.session.set_expiry(settings.CORRIDOR_IDLE_TIMEOUT)
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
