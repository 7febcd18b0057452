"""Deny by default: every URL pattern, walked from the URLconf, needs a verified staff login
except a short, named allowlist."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# The only views a stranger may reach: the staff login, the language switch and the
# applicant portal (which has no accounts at all).
PUBLIC = {
    "accounts:login", "set_language",
    "portal:home", "portal:page", "portal:apply", "portal:submit", "portal:duress",
    "portal:login", "portal:inbox", "portal:reply", "portal:update", "portal:delete",
    "portal:duress_word",
    "portal:logout", "portal:language", "portal:check_code", "telegram:webhook",
}  # fmt: skip


def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield f"{namespace}{p.name}", prefix + str(p.pattern), p.callback


def _sample(route: str) -> str:
    route = re.sub(r"<int:[^>]+>", "1", route)
    route = re.sub(r"<(?:str|slug):[^>]+>", "x", route)
    route = re.sub(r"<uuid:[^>]+>", "00000000-0000-0000-0000-000000000000", route)
    return "/" + route.lstrip("^").rstrip("$")


ALL = list(_walk(get_resolver().url_patterns))


def test_the_allowlist_names_real_views():
    names = {name for name, _route, _view in ALL}
    assert PUBLIC <= names


@pytest.mark.parametrize(("name", "route", "view"), ALL, ids=[n for n, _r, _v in ALL])
def test_every_staff_url_needs_login(client, db, name, route, view):
    url = _sample(route)
    if name in PUBLIC:
        assert getattr(view, "login_required", True) is False
        return
    assert getattr(view, "login_required", True) is not False, (
        f"{name} is public but not allowlisted"
    )
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302, (name, url)
        assert response["Location"].startswith("/login/"), (name, url)
