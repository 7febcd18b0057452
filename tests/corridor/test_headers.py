"""Security headers on every page; no resource from another origin."""

import re

from corridor.middleware import CONTENT_SECURITY_POLICY


def test_it_sends_a_strict_csp_and_the_other_headers(client, db):
    response = client.get("/login/")
    csp = response["Content-Security-Policy"]
    assert csp == CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"  # never to another origin
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store" or "no-store" in response["Cache-Control"]


def test_pages_load_nothing_from_another_origin(staff):
    client = staff.client(staff.persona("admin"))
    for url in ("/login/", "/", "/account/", "/staff/", "/teams/", "/staff/new/"):
        html = client.get(url).content.decode()
        external = re.findall(r'(?:src|href|action)="((?:https?:)?//[^"]+)"', html)
        assert external == [], (url, external)
        assert "<script" not in html and "style=" not in html, url


def test_cookies_are_strict_and_http_only(staff):
    client = staff.client(staff.persona("operator"))
    for name in ("corridor_session", "corridor_device"):
        cookie = client.cookies[name]
        assert cookie["httponly"] and cookie["samesite"] == "Strict", name
