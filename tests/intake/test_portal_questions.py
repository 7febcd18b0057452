"""The portal's question pages: the counter tells the truth, and an answer's error says how to
answer again on this channel (the portal's Next button)."""

import re

import pytest

from tests.intake.test_portal_flow import SOLDIER, current_question


@pytest.fixture
def client_ru(client, programme):
    client.cookies["corridor_language"] = "ru"
    return client


def test_a_portal_answer_error_names_the_portal_s_next_button(client_ru):
    client_ru.get("/portal/apply/")
    for _ in range(10):
        if current_question(client_ru) == "born":
            break
        qid = current_question(client_ru)
        client_ru.post("/portal/apply/", {"answer": SOLDIER.get(qid, ""), "action": "next"})
    page = client_ru.post("/portal/apply/", {"answer": "31.02.1994", "action": "next"})
    assert "Проверьте день и месяц. Затем нажмите «Далее»." in page.content.decode()


@pytest.mark.parametrize(
    "answers",
    [
        SOLDIER,
        {**SOLDIER, "situation": "not_deployed"},  # the "area" branch stays closed
        {"who": "relative", "relation": "parent", "his_name": "Кузьминов Максим"},
    ],
)
def test_the_question_counter_never_jumps(client_ru, answers):
    """ "Question N of M": N grows by one per page, M never grows (it counts every question
    that may still be asked), and the last question is "M of M"."""
    client_ru.cookies["corridor_language"] = "en"
    seen = []
    page = client_ru.get("/portal/apply/").content.decode()
    for _ in range(40):
        found = re.search(r'<p class="step">Question (\d+) of (\d+)</p>', page)
        if found is None:
            break
        seen.append((int(found.group(1)), int(found.group(2))))
        qid = current_question(client_ru)
        page = client_ru.post(
            "/portal/apply/", {"answer": answers.get(qid, ""), "action": "next"}
        ).content.decode()
    assert 'class="review"' in page and len(seen) > 5
    numbers, totals = [n for n, _t in seen], [t for _n, t in seen]
    assert numbers == list(range(1, len(seen) + 1))
    assert totals == sorted(totals, reverse=True)
    assert seen[-1][0] == seen[-1][1]
