"""No trace on the applicant's phone: session cookies only, the CSRF token in the portal session,
Clear-Site-Data on logout, no ids in portal URLs, a title of its own on every page."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver

from cases import messages
from cases.models import Case
from intake import portal_urls
from tests.corridor.test_deploy_check import PRODUCTION, _run
from tests.corridor.test_deploy_check import production_keys as _production_keys
from tests.intake.test_portal_flow import SOLDIER, apply, current_question


def _set_cookies(response) -> list:
    return list(response.cookies.values())


@pytest.fixture
def applicant(programme):
    client = Client(enforce_csrf_checks=True)
    client.cookies["corridor_language"] = "en"
    return client


def _token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def _walk_as_an_applicant(client) -> list:
    """A whole application, a login, a reply and a logout; every response."""
    seen = []

    def get(url):
        response = client.get(url)
        seen.append(response)
        return response

    def post(url, data):
        page = client.get(url if url.endswith(("/apply/", "/login/")) else "/portal/inbox/")
        response = client.post(url, {**data, "csrfmiddlewaretoken": _token(page.content.decode())})
        seen.extend([page, response])
        return response

    get("/portal/")
    get("/portal/apply/")
    for _ in range(40):
        qid = current_question(client)
        if qid is None:
            break
        post("/portal/apply/", {"answer": SOLDIER.get(qid, ""), "action": "next"})
    review = get("/portal/apply/")
    sent = client.post(
        "/portal/apply/send/", {"csrfmiddlewaretoken": _token(review.content.decode())}
    )
    seen.append(sent)
    html = sent.content.decode()
    words = re.findall(r"<li><span[^>]*>([^<]+)</span>", html)
    post("/portal/login/", {"codename": " ".join(words)})
    post("/portal/inbox/reply/", {"text": "hello"})
    seen.append(
        client.post(
            "/portal/logout/",
            {"csrfmiddlewaretoken": _token(get("/portal/inbox/").content.decode())},
        )
    )
    return seen


def test_no_portal_cookie_outlives_the_browser_session(applicant):
    responses = _walk_as_an_applicant(applicant)
    cookies = [c for r in responses for c in _set_cookies(r)]
    assert {c.key for c in cookies} == {"corridor_portal"}  # no CSRF, no staff session cookie
    for cookie in cookies:
        if cookie.value:  # a deletion carries a date in the past, as it must
            assert not cookie["expires"] and not cookie["max-age"], cookie
            assert cookie["httponly"] and cookie["samesite"] == "Strict"
    assert Case.objects.count() == 1


def test_the_csrf_token_lives_in_the_portal_session_and_is_still_checked(applicant):
    page = applicant.get("/portal/login/")
    assert "corridor_csrf" not in page.cookies and "corridor_portal" in page.cookies
    refused = applicant.post("/portal/login/", {"codename": "a b c"})
    assert refused.status_code == 403
    other = Client(enforce_csrf_checks=True)
    foreign = _token(other.get("/portal/login/").content.decode())
    assert (
        applicant.post(
            "/portal/login/", {"codename": "a", "csrfmiddlewaretoken": foreign}
        ).status_code
        == 403
    )
    token = _token(page.content.decode())
    accepted = applicant.post("/portal/login/", {"codename": "a b c", "csrfmiddlewaretoken": token})
    assert accepted.status_code == 200 and "words" in accepted.content.decode()


def test_a_first_look_with_a_form_stores_no_session_row(applicant):
    from intake.models import PortalSession

    applicant.get("/portal/login/")
    applicant.get("/portal/apply/")
    assert not PortalSession.objects.exists()


def test_logout_clears_the_site_data(applicant):
    page = applicant.get("/portal/login/")
    out = applicant.post("/portal/logout/", {"csrfmiddlewaretoken": _token(page.content.decode())})
    assert out["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    home = applicant.get(out["Location"])
    assert not _set_cookies(home)  # the page he lands on sets nothing again


def test_no_portal_url_takes_an_id():
    def walk(patterns):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns)
            elif isinstance(p, URLPattern):
                yield p

    for pattern in walk(portal_urls.urlpatterns):
        converters = pattern.pattern.converters
        assert all(name == "slug" for name in converters), pattern.pattern
    assert "<slug:slug>" in str([str(p.pattern) for p in walk(portal_urls.urlpatterns)])


def test_a_read_operational_message_is_deleted_by_an_id_in_the_body(client, programme):
    client.cookies["corridor_language"] = "en"
    codename, _phrase, _duress = apply(client)
    case = Case.objects.get()
    from datetime import timedelta

    from django.utils import timezone

    messages.to_applicant(
        case,
        "point",
        actor=programme.users["operator"],
        operational=True,
        expires_at=timezone.now() + timedelta(hours=2),
    )
    client.post("/portal/login/", {"codename": codename})
    inbox = client.get("/portal/inbox/").content.decode()
    message_id = re.search(r'name="message" value="(\d+)"', inbox)
    if message_id is None:  # first view marks it read; the form shows from then on
        inbox = client.get("/portal/inbox/").content.decode()
        message_id = re.search(r'name="message" value="(\d+)"', inbox)
    assert 'action="/portal/inbox/delete/"' in inbox
    client.post("/portal/inbox/delete/", {"message": message_id.group(1)})
    assert "point" not in client.get("/portal/inbox/").content.decode()
    assert client.post("/portal/inbox/delete/", {"message": "x" * 30}).status_code == 302


def test_every_portal_page_has_its_own_title_and_only_home_names_the_programme(client, programme):
    client.cookies["corridor_language"] = "en"
    urls = ["/portal/", "/portal/login/", "/portal/apply/"] + [
        f"/portal/p/{slug}/"
        for slug in ("offer", "rights", "after", "drone", "genuine", "safety", "rewards")
    ]
    titles = {}
    for url in urls:
        html = client.get(url).content.decode()
        titles[url] = re.search(r"<title>([^<]*)</title>", html).group(1).strip()
    assert all(titles.values()) and len(set(titles.values())) == len(urls), titles
    assert titles["/portal/"] == "I want to live"
    assert not [u for u, t in titles.items() if "I want to live" in t and u != "/portal/"]


production_keys = pytest.fixture(_production_keys.__wrapped__)


def test_production_cookies_are_host_only_and_secure(production_keys):
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.LANGUAGE_COOKIE_NAME, "
        "s.CORRIDOR_PORTAL_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_AGE); "
        "from vault.sessions import COOKIE; from accounts.throttle import DEVICE_COOKIE; "
        "print(COOKIE, DEVICE_COOKIE)"
    )
    result = _run("shell", "-c", code, env_overrides=PRODUCTION)
    *_, line, staff_halves = result.stdout.strip().splitlines()  # after the shell's own notice
    names = line.split()
    assert result.returncode == 0, result.stderr
    assert all(n.startswith("__Host-") for n in names[:4]), names
    # the staff console's split-key half and device cookie too
    assert staff_halves.split() == ["__Host-corridor_vault", "__Host-corridor_device"]
    assert names[4:] == ["True"] * 3 + ["None"]
