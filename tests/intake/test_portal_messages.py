"""Messages the applicant can act on: every portal error says what to do next, in his language;
the inbox says in plain words what happens next for his status."""

import pytest

from cases import messages
from cases.models import Case
from tests.intake.test_portal_flow import apply
from vault import codenames


@pytest.fixture
def client_en(client, programme):
    client.cookies["corridor_language"] = "en"
    return client


def _login_error(client, text: str) -> str:
    html = client.post("/portal/login/", {"codename": text}).content.decode()
    return html.split('class="error"', 1)[1].split("</p>", 1)[0]


def test_every_login_error_says_what_to_do_next(client_en):
    words = codenames.new_codename("ru").split()
    wrong_check = " ".join([*words[:-1], words[0]])
    errors = [
        _login_error(client_en, "one two"),
        _login_error(client_en, " ".join([*words[:2], "zzqx", *words[3:]])),
        _login_error(client_en, wrong_check),
    ]
    assert "6 words" in errors[0] and "zzqx" in errors[1] and "wrong" in errors[2]
    assert all("press Open again" in e for e in errors), errors


def test_login_errors_come_in_his_language(client, programme):
    html = client.post("/portal/login/", {"codename": "one two"}).content.decode()
    assert "Введите все 6" in html  # the portal's default language is Russian


def test_a_session_that_ended_before_sending_is_explained(client_en):
    response = client_en.post("/portal/apply/send/")
    assert response["Location"] == "/portal/apply/?expired=1"
    page = client_en.get(response["Location"]).content.decode()
    assert "Your answers were deleted" in page and "answer again" in page


@pytest.mark.parametrize(
    ("status", "says"),
    [
        (Case.Status.VERIFIED, "Next we prepare a plan"),
        (Case.Status.PLANNING, "Do not move or act before you have them"),
        (Case.Status.SCHEDULED, "Follow only instructions that carry your recognition phrase"),
        (Case.Status.SCREENING, "if we ask you something, answer in the form"),
    ],
)
def test_the_inbox_says_what_happens_next_for_his_status(client_en, programme, status, says):
    codename, _phrase, _duress = apply(client_en)
    case = Case.objects.get()
    Case.objects.filter(pk=case.pk).update(status=status)
    messages.to_applicant(case, "Hello.", actor=programme.users["operator"])
    client_en.post("/portal/login/", {"codename": codename})
    assert says in client_en.get("/portal/inbox/").content.decode()
