"""Hotline console, later calls, duplicates, watch list and triage."""

import pytest

from audit.models import Event
from cases.models import Case, CaseLink
from intake import watchlist
from intake.questionnaire import current
from tests.vault.conftest import private_of, unlocked
from vault import records


def _client(programme, role):
    client = programme.staff.client(programme.users[role])
    client.cookies["corridor_language"] = "en"
    return client


CALL = {
    "who": "serviceman",
    "name": "Kuzminov Maksim",
    "born": "1994-03-02",
    "situation": "training",
    "phone": "+7 900 555 66 77",
    "unit": "в/ч 12345",
}


def test_an_operator_records_a_call_as_a_hotline_case(programme):
    client = _client(programme, "operator")
    page = client.get("/intake/hotline/")
    assert page.status_code == 200 and "горячую линию" in page.content.decode()  # the call script
    done = client.post("/intake/hotline/", {**CALL, "give_codename": "1"})
    assert done.status_code == 200
    case = Case.objects.get()
    assert case.channel == "hotline" and not case.unverified
    assert case.applicant_key  # a codename was given
    html = done.content.decode()
    assert case.number in html
    operator = programme.users["operator"]
    answers = case.records.get(kind="answers", compartment="identity")
    opened = records.decrypt(answers, records.data_key(operator, private_of(operator), answers))
    assert opened["unit"] == "в/ч 12345"


def test_a_bad_answer_keeps_everything_typed_and_saves_nothing(programme):
    client = _client(programme, "operator")
    page = client.post("/intake/hotline/", {**CALL, "born": "31.02.1994"})
    html = page.content.decode()
    assert page.status_code == 200 and "This date does not exist" in html
    assert "в/ч 12345" in html and not Case.objects.exists()


def test_other_roles_cannot_use_the_console(programme):
    for role in ("field_liaison", "finance_officer", "auditor", "admin", "outsider"):
        assert _client(programme, role).get("/intake/hotline/").status_code == 403


def test_a_later_call_is_added_to_a_case_found_by_phone(programme):
    client = _client(programme, "operator")
    client.post("/intake/hotline/", CALL)
    case = Case.objects.get()
    find = "/intake/hotline/later-call/"
    found = client.post(find, {"operation": "find", "phone": "8 900 555-66-77"})
    assert case.number in found.content.decode()
    other = client.post(find, {"operation": "find", "phone": "+7 900 000 00 00"})
    assert case.number not in other.content.decode()
    client.post(
        "/intake/hotline/later-call/",
        {
            "case": case.number,
            "situation": "front",
            "area": "Бахмут",
            "note": "перезвонил с фронта",
        },
    )
    later = case.records.filter(kind="recontact").get()
    operator = programme.users["operator"]
    assert records.decrypt(later, records.data_key(operator, private_of(operator), later)) == {
        "situation": "front",
        "area": "Бахмут",
    }
    assert case.records.filter(kind="call").exists()
    assert Event.objects.filter(action="case_recontact", object_id=case.number).exists()


def test_a_later_call_cannot_reach_a_case_of_another_team(programme):
    from tests.vault.conftest import make_case

    other = make_case(programme.teams["planning"])
    client = _client(programme, "operator")
    response = client.post("/intake/hotline/later-call/", {"case": other.number, "note": "x"})
    assert response.status_code == 404


def test_cyrillic_and_latin_spellings_are_linked_as_possible_duplicates(programme):
    from intake import service

    q = current()
    first = service.submit(
        q, {"who": "serviceman", "name": "Кузьминов Максим"}, channel="portal", language="ru"
    ).case
    second = service.submit(
        q, {"who": "serviceman", "name": "Maksim Kuzminov"}, channel="hotline", language="ru"
    ).case
    link = CaseLink.objects.get(case=second)
    assert link.other == first and link.via == "full_name"
    assert CaseLink.objects.filter(case=first, other=second).exists()


def test_each_possible_duplicate_is_linked_both_ways_and_audited_once(programme):
    from audit.log import verify
    from audit.models import Event
    from intake import service

    q = current()
    answers = {"who": "serviceman", "name": "Одинаков Пётр", "phone": "+7 900 111-22-33"}
    first = service.submit(q, answers, channel="portal", language="ru").case
    second = service.submit(q, answers, channel="portal", language="ru").case
    links = set(CaseLink.objects.values_list("case", "other", "via"))
    assert links == {
        (a.pk, b.pk, via)
        for a, b in ((first, second), (second, first))
        for via in ("full_name", "phone")
    }
    events = Event.objects.filter(action="possible_duplicate")
    assert sorted(e.detail["via"] for e in events) == ["full_name", "phone"]
    assert {(e.object_id, e.detail["other"]) for e in events} == {(second.number, first.number)}
    assert verify()[1] is None


def test_a_watch_list_match_flags_the_case_silently(programme):
    from intake import service

    watchlist.add(
        "phone",
        "+7 999 000 11 22",
        reference="report 12",
        actor=unlocked(programme.users["supervisor"]),
    )
    q = current()
    submission = service.submit(
        q, {"who": "relative", "relative_phone": "8 999 000-11-22"}, channel="portal", language="ru"
    )
    assert submission.case.watchlist_match
    clean = service.submit(
        q,
        {"who": "relative", "relative_phone": "+7 999 000 11 23"},
        channel="portal",
        language="ru",
    )
    assert not clean.case.watchlist_match


def test_adding_a_watch_entry_flags_existing_cases(programme):
    from intake import service

    case = service.submit(
        current(), {"who": "serviceman", "name": "Петров Пётр"}, channel="portal", language="ru"
    ).case
    client = _client(programme, "supervisor")
    response = client.post(
        "/intake/watch-list/", {"index": "full_name", "value": "Petrov Petr", "reference": "r1"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.watchlist_match
    from intake.models import WatchEntry

    entry = WatchEntry.objects.get()
    assert "Petrov" not in repr(entry.__dict__)  # only the truncated index is kept


def test_only_supervisors_keep_the_watch_list(programme):
    assert _client(programme, "operator").get("/intake/watch-list/").status_code == 403
    assert _client(programme, "supervisor").get("/intake/watch-list/").status_code == 200


@pytest.fixture
def flood(programme):
    from intake import service

    q = current()
    return [
        service.submit(
            q, {"who": "serviceman", "notes": f"spam {n}"}, channel="portal", language="ru"
        ).case
        for n in range(5)
    ]


def test_a_supervisor_bulk_discards_portal_cases(programme, flood):
    client = _client(programme, "supervisor")
    page = client.get("/cases/triage/").content.decode()
    assert all(c.number in page for c in flood)
    asked = client.post(
        "/cases/triage/", {"case": [c.number for c in flood[:4]], "operation": "discard"}
    )
    assert "This cannot be undone." in asked.content.decode()
    assert all(not c.records.count() == 0 for c in flood[:4])  # nothing destroyed yet
    client.post(
        "/cases/triage/",
        {"case": [c.number for c in flood[:4]], "operation": "discard", "confirmed": "1"},
    )
    for case in flood[:4]:
        case.refresh_from_db()
        assert case.status == Case.Status.REJECTED and not case.unverified
        assert not case.records.exists() and not case.blind_indexes.exists()
    client.post("/cases/triage/", {"case": [flood[4].number], "operation": "keep"})
    flood[4].refresh_from_db()
    assert not flood[4].unverified and flood[4].records.exists()
    assert Event.objects.filter(action="case_discarded").count() == 4


def test_triage_is_for_supervisors_only(programme, flood):
    assert _client(programme, "operator").get("/cases/triage/").status_code == 403
    response = _client(programme, "operator").post(
        "/cases/triage/", {"case": [flood[0].number], "operation": "discard", "confirmed": "1"}
    )
    assert response.status_code == 403
    flood[0].refresh_from_db()
    assert flood[0].unverified


def test_a_missing_required_answer_is_shown_not_crashed(programme):
    client = _client(programme, "operator")
    page = client.post("/intake/hotline/", {"name": "x"})
    assert page.status_code == 200 and not Case.objects.exists()
    assert "Please answer" in page.content.decode()


def test_a_flood_of_identical_applications_costs_no_more_per_case(programme):
    from intake import duplicates, service

    q = current()
    for _ in range(duplicates.MAX_LINKS + 5):
        last = service.submit(
            q, {"who": "serviceman", "name": "Одинаков Иван"}, channel="portal", language="ru"
        ).case
    assert CaseLink.objects.filter(case=last).count() == duplicates.MAX_LINKS


def _issue_on_the_hotline(client):
    """A hotline call that gives a codename: (case, the page's grant, the offered words)."""
    import re

    html = client.post("/intake/hotline/", {**CALL, "give_codename": "1"}).content.decode()
    grant = re.search(r'name="grant" value="([^"]+)"', html).group(1)
    words = re.findall(r'name="choice" value="\d"> <code>([^<]+)</code>', html)
    return Case.objects.get(), grant, words


def _duress_choice(case):
    case.applicant_key.refresh_from_db()
    return case.applicant_key.duress_choice


def test_the_operator_records_the_callers_duress_word_right_after_issuing(programme):
    client = _client(programme, "operator")
    case, grant, words = _issue_on_the_hotline(client)
    assert len(words) == 4
    done = client.post("/intake/hotline/duress/", {"grant": grant, "choice": "2"}, follow=True)
    assert "duress word is recorded" in done.content.decode()
    assert _duress_choice(case) == 2
    event = Event.objects.get(action="duress_word_set", object_id=case.number)
    assert event.actor == programme.users["operator"] and event.detail == {"by": "officer"}


def test_operator_cannot_rewrite_duress_word(programme):
    """The grant works once: the same page posted again, or a form made by hand for the case's
    old URL or without a grant, changes nothing."""
    client = _client(programme, "operator")
    case, grant, _words = _issue_on_the_hotline(client)
    client.post("/intake/hotline/duress/", {"grant": grant, "choice": "2"})
    again = client.post("/intake/hotline/duress/", {"grant": grant, "choice": "0"}, follow=True)
    assert "only once, right after the codename is issued" in again.content.decode()
    client.post("/intake/hotline/duress/", {"choice": "1"})
    client.post("/intake/hotline/duress/", {"grant": grant + "x", "choice": "1"})
    assert client.post(f"/intake/hotline/{case.number}/duress/", {"choice": "1"}).status_code == 404
    assert _duress_choice(case) == 2
    assert Event.objects.filter(action="duress_word_set").count() == 1


def test_operator_cannot_set_a_duress_word_later_or_from_another_session(programme, monkeypatch):
    """Skipping the choice on the issuing page leaves it to the applicant: the page's grant
    expires, and works in no other officer's session and with no nonce of this one."""
    from intake import issuing

    operator = _client(programme, "operator")
    case, grant, _words = _issue_on_the_hotline(operator)
    other = _client(programme, "supervisor")
    other.post("/intake/hotline/duress/", {"grant": grant, "choice": "1"})
    assert _duress_choice(case) is None
    from django.core import signing

    forged = signing.dumps(
        {"case": case.number, "user": programme.users["operator"].pk, "nonce": "x"},
        salt="corridor.intake.duress-grant",
    )
    operator.post("/intake/hotline/duress/", {"grant": forged, "choice": "1"})
    assert _duress_choice(case) is None
    monkeypatch.setattr(issuing, "GRANT_SECONDS", -1)  # the page was left open too long
    operator.post("/intake/hotline/duress/", {"grant": grant, "choice": "1"})
    assert _duress_choice(case) is None


def test_operator_cannot_read_duress_word(programme):
    """After the issuing page, no staff page shows the offered words or the choice."""
    client = _client(programme, "operator")
    case, grant, words = _issue_on_the_hotline(client)
    client.post("/intake/hotline/duress/", {"grant": grant, "choice": "3"})
    for role in ("operator", "case_officer", "supervisor"):
        staff = _client(programme, role)
        pages = [
            staff.get(f"/cases/{case.number}/").content.decode(),
            staff.get("/intake/hotline/").content.decode(),
            staff.get("/cases/").content.decode(),
            staff.get("/").content.decode(),
        ]
        for html in pages:
            assert not any(f"<code>{w}</code>" in html for w in words)
            assert 'name="choice"' not in html and "duress_choice" not in html
    assert all("3" not in str(e.detail) for e in Event.objects.filter(action="duress_word_set"))


def test_a_reissuing_officer_records_the_new_duress_word_once(programme):
    import re

    operator = _client(programme, "operator")
    case, grant, _words = _issue_on_the_hotline(operator)
    operator.post("/intake/hotline/duress/", {"grant": grant, "choice": "2"})
    officer = _client(programme, "case_officer")
    html = officer.post(f"/cases/{case.number}/new-codename/").content.decode()
    new_grant = re.search(r'name="grant" value="([^"]+)"', html).group(1)
    assert _duress_choice(case) is None  # a new codename starts without one
    officer.post("/intake/hotline/duress/", {"grant": new_grant, "choice": "1"})
    assert _duress_choice(case) == 1
    officer.post("/intake/hotline/duress/", {"grant": new_grant, "choice": "0"})
    operator.post("/intake/hotline/duress/", {"grant": grant, "choice": "0"})
    assert _duress_choice(case) == 1


def test_conditions_on_the_hotline_form_are_in_words(programme):
    html = _client(programme, "operator").get("/intake/hotline/").content.decode()
    assert "Only if “Who is writing?” is: I am a serviceman" in html
