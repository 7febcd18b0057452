"""The portal end to end through Django's test client (the browser test is in tests/e2e)."""

import re

import pytest

from cases import messages
from cases.models import Case

RU = "Хочу жить"


@pytest.fixture
def portal_client(client, programme):
    client.cookies["corridor_language"] = "ru"
    return client


def answer(client, value, action="next"):
    return client.post("/portal/apply/", {"answer": value, "action": action})


def apply_as_serviceman(client) -> str:
    page = client.get("/portal/apply/")
    assert page.status_code == 200
    answers = {
        "who": "serviceman",
        "name": "Кузьминов Максим",
        "born": "02.03.1994",
        "situation": "front",
        "phone": "+7 900 111-22-33",
    }
    html = page.content.decode()
    for _ in range(40):
        if "Check and send" in html or "Проверьте и отправьте" in html or "apply/send" in html:
            break
        qid = re.search(r'name="answer"', html) and _current_id(client)
        html = answer(client, answers.get(qid, "")).content.decode()
    sent = client.post("/portal/apply/send/")
    assert sent.status_code == 200
    words = re.findall(r"<li>([a-z]+)</li>", sent.content.decode())
    assert len(words) == 7
    return " ".join(words)


def _current_id(client) -> str:
    from intake import portal

    state = portal.load(_FakeRequest(client)).state
    return state.get("at")


class _FakeRequest:
    def __init__(self, client):
        self.COOKIES = {k: v.value for k, v in client.cookies.items()}


def test_an_applicant_applies_and_reads_a_reply(portal_client, programme):
    codename = apply_as_serviceman(portal_client)
    case = Case.objects.get()
    assert case.channel == "portal" and case.unverified
    staff = programme.users["operator"]
    messages.to_applicant(case, "Мы получили. Ждите.", actor=staff)
    portal_client.post("/portal/logout/")
    response = portal_client.post("/portal/login/", {"codename": codename.upper()})
    assert response.status_code == 302
    inbox = portal_client.get("/portal/inbox/").content.decode()
    assert "Мы получили. Ждите." in inbox
