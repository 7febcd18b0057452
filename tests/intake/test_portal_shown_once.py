"""The codename page is shown once, by a POST, and kept nowhere. Switching the language must not
lose it (the page offers no switch: the language was chosen before applying), and opening its
address, or any other POST-only portal address, with GET explains itself in the applicant's
language instead of a blank 405."""

import re

import pytest

from intake.models import PortalSession
from tests.intake.test_portal_flow import SOLDIER, apply, current_question

POST_ONLY = (
    "/portal/inbox/reply/",
    "/portal/inbox/update/",
    "/portal/inbox/delete/",
    "/portal/logout/",
)


@pytest.fixture
def client_ru(client, programme):
    client.cookies["corridor_language"] = "ru"
    return client


def test_the_codename_page_offers_no_language_switch_that_would_lose_it(client, programme):
    html = client.get("/portal/apply/").content.decode()
    assert 'action="/portal/language/"' in html  # the questions may switch language
    sent = _sent_page(client)
    assert len(re.findall(r"<li><span", sent.split('class="codename"')[1])) >= 6
    assert "/portal/language/" not in sent and 'name="language"' not in sent


def _sent_page(client) -> str:
    """Apply and return the codename page's HTML."""
    client.get("/portal/apply/")
    for _ in range(40):
        qid = current_question(client)
        if qid is None:
            break
        client.post("/portal/apply/", {"answer": SOLDIER.get(qid, ""), "action": "next"})
    return client.post("/portal/apply/send/").content.decode()


def test_neither_the_codename_nor_its_words_are_kept_to_show_it_again(client, programme):
    codename, phrase, _duress = apply(client)
    for row in PortalSession.objects.all():
        blob = bytes(row.state)
        for word in codename.split() + phrase.split():
            assert word.encode() not in blob
    again = client.get("/portal/apply/send/").content.decode()
    # Whole words: a random word such as "друг" is part of the page's own "другом".
    for word in codename.split():
        assert not re.search(rf"(?<!\w){re.escape(word)}(?!\w)", again), word


@pytest.mark.parametrize(
    "language, says",
    [
        ("ru", "только один раз"),
        ("uk", "лише один раз"),
        ("en", "shown only once"),
    ],
)
def test_a_get_of_the_codename_address_explains_what_to_do(client, programme, language, says):
    client.cookies["corridor_language"] = language
    for url in ("/portal/apply/send/", "/portal/apply/duress/"):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert says in html
        assert 'href="/portal/login/"' in html and 'href="/portal/apply/"' in html
        assert not PortalSession.objects.exists()  # a look stores nothing


def test_switching_language_after_choosing_the_duress_word_lands_on_a_page(client_ru):
    apply(client_ru)
    done = client_ru.post("/portal/apply/duress/", {"choice": "0"})
    assert 'name="next" value="/portal/apply/duress/"' in done.content.decode()
    switched = client_ru.post(
        "/portal/language/", {"language": "uk", "next": "/portal/apply/duress/"}, follow=True
    )
    assert switched.status_code == 200 and "лише один раз" in switched.content.decode()


@pytest.mark.parametrize("url", POST_ONLY)
def test_no_get_of_a_portal_address_is_a_blank_405(client_ru, url):
    response = client_ru.get(url)
    html = response.content.decode()
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert re.search(r"<h1>[^<]+</h1>", html) and 'href="/portal/"' in html
    assert "Эту страницу нельзя открыть напрямую" in html
