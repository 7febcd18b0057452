"""The officer's one chance to record a duress word: right after he issued the codename.

Issuing a codename (hotline creation, re-issue after duress) hands the page a grant: a token
signed with SECRET_KEY (outside the database) naming the case and the officer, valid for
``GRANT_SECONDS``, whose nonce also waits in that officer's session. Redeeming it removes the
nonce, so it works once, only for that officer, only in the session that issued it; a URL or
a form typed by hand carries no grant. The domain function (intake.service.
officer_chose_duress) adds that the codename must still have no duress word.
"""

import secrets

from django.core import signing
from django.http import HttpRequest

GRANT_SECONDS = 15 * 60
_SALT = "corridor.intake.duress-grant"
_SESSION = "duress_grants"


class NoGrant(Exception):
    """No valid grant from this officer's issuing flow."""


def grant(request: HttpRequest, case) -> str:
    nonce = secrets.token_urlsafe(16)
    pending = dict(request.session.get(_SESSION) or {})
    pending = dict(list(pending.items())[-4:])  # a few open pages at most
    pending[nonce] = case.number
    request.session[_SESSION] = pending
    return signing.dumps({"case": case.number, "user": request.user.pk, "nonce": nonce}, salt=_SALT)


def redeem(request: HttpRequest, token: str) -> str:
    """The number of the case the grant was issued for; the grant is spent. Raises NoGrant."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=GRANT_SECONDS)
    except signing.BadSignature as error:
        raise NoGrant("no valid grant") from error
    pending = dict(request.session.get(_SESSION) or {})
    number = pending.pop(str(data.get("nonce")), None)
    request.session[_SESSION] = pending
    if data.get("user") != request.user.pk or number is None or number != data.get("case"):
        raise NoGrant("no valid grant")
    return number
