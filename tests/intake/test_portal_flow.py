"""The portal end to end through Django's test client (the browser test is in tests/e2e)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import Event
from cases import messages
from cases.models import Case, Message
from intake import portal
from vault import codenames, records
from vault.policy import ESCORT

SOLDIER = {
    "who": "serviceman",
    "name": "Кузьминов Максим",
    "born": "02.03.1994",
    "situation": "front",
    "area": "Бахмут",
    "phone": "+7 900 111-22-33",
}


def run_worker() -> None:
    """Run everything queued in the outbox the way `corridor worker` does (claim, then
    corridor.outbox.run), inside the test's transaction: the real command closes the
    connection between tasks, which a test transaction on PostgreSQL does not survive (see
    the transactional test below)."""
    from django_tasks_db.models import DBTaskResult

    from corridor import outbox

    for row in DBTaskResult.objects.ready():
        row.claim("test-worker")
        assert outbox.run(row)
    assert not DBTaskResult.objects.exists()  # delivered rows are gone


class _Cookies:
    def __init__(self, client):
        self.COOKIES = {k: v.value for k, v in client.cookies.items()}


def current_question(client) -> str | None:
    loaded = portal.load(_Cookies(client))
    if loaded is None:  # a first look stores no session: the first question is asked
        from intake.questionnaire import current

        return current().next_question({}).id
    return loaded.state.get("at")


def apply(client, answers: dict = SOLDIER) -> tuple[str, str, list[str]]:
    """Answer every question the portal asks; return (codename, phrase, duress words)."""
    client.get("/portal/apply/")
    for _ in range(40):
        qid = current_question(client)
        if qid is None:
            break
        client.post("/portal/apply/", {"answer": answers.get(qid, ""), "action": "next"})
    sent = client.post("/portal/apply/send/")
    html = sent.content.decode()
    codename = " ".join(
        re.findall(
            r"<li><span[^>]*>([^<]+)</span>", html.split('class="codename"')[1].split("</ol>")[0]
        )
    )
    phrase = re.search(r'<p class="phrase">([^<]+)</p>', html).group(1)
    duress = re.findall(r'name="choice" value="\d"> ([^<]+)</label>', html)
    return codename, phrase, duress


@pytest.fixture
def client_ru(client, programme):
    client.cookies["corridor_language"] = "en"  # assertions below read English strings
    return client


def login(client, codename):
    client.post("/portal/logout/")
    response = client.post("/portal/login/", {"codename": codename})
    return response, client.get("/portal/inbox/")


def test_an_applicant_applies_and_reads_a_reply(client_ru, programme):
    codename, phrase, _duress = apply(client_ru)
    assert len(codename.split()) == 6 and len(phrase.split()) == 3
    case = Case.objects.get()
    assert case.channel == "portal" and case.unverified and case.status == "new"
    operator = programme.users["operator"]
    messages.to_applicant(case, "Мы получили. Ждите.", actor=operator)
    response, inbox = login(client_ru, codename.upper().replace(" ", "  "))
    assert response.status_code == 302 and response["Location"] == "/portal/inbox/"
    assert "Мы получили. Ждите." in inbox.content.decode()


def test_the_answers_are_sealed_and_indexed(client_ru, programme):
    apply(client_ru)
    case = Case.objects.get()
    answers = case.records.get(kind="answers", compartment="identity")
    operator = programme.users["operator"]
    from tests.vault.conftest import private_of

    opened = records.decrypt(answers, records.data_key(operator, private_of(operator), answers))
    assert opened["name"] == "Кузьминов Максим" and opened["born"] == "1994-03-02"
    assert opened["phone"] == "+79001112233"
    assert set(case.blind_indexes.values_list("name", flat=True)) == {
        "full_name",
        "name_dob",
        "phone",
    }


def test_back_keeps_answers_and_nothing_is_in_the_url(client_ru, programme):
    client_ru.get("/portal/apply/")
    client_ru.post("/portal/apply/", {"answer": "serviceman", "action": "next"})
    client_ru.post("/portal/apply/", {"answer": "Кузьминов", "action": "next"})
    page = client_ru.post("/portal/apply/", {"action": "back"})
    assert "Кузьминов" in page.content.decode()  # the previous answer, decrypted for the form
    assert current_question(client_ru) == "name"
    from intake.models import PortalSession

    row = PortalSession.objects.get()
    assert "Кузьминов".encode() not in bytes(row.state)


def test_a_mistyped_word_is_named(client_ru, programme):
    codename, _phrase, _duress = apply(client_ru)
    words = codename.split()
    words[2] = "zzqx"
    page = client_ru.post("/portal/login/", {"codename": " ".join(words)})
    assert "Word 3" in page.content.decode() and "zzqx" in page.content.decode()


def test_a_wrong_check_word_says_one_word_is_wrong(client_ru, programme):
    codename, _phrase, duress = apply(client_ru)
    words = codename.split()
    wrong = next(w for w in codenames.word_list().words if w != words[-1] and w not in duress)
    page = client_ru.post("/portal/login/", {"codename": " ".join(words[:-1] + [wrong])})
    assert "One of the words is wrong" in page.content.decode()


def _inbox_page(client, codename):
    response, inbox = login(client, codename)
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", inbox.content.decode())
    return response.status_code, response["Location"], inbox.status_code, html


def test_unknown_empty_duress_and_post_duress_logins_look_the_same(client_ru, programme):
    codename, _phrase, duress = apply(client_ru)
    client_ru.post("/portal/apply/duress/", {"choice": "1"})
    six = codename.split()[:-1]
    empty = _inbox_page(client_ru, codename)
    unknown = _inbox_page(client_ru, codenames.new_codename())
    forced = _inbox_page(client_ru, " ".join([*six, duress[1]]))
    after = _inbox_page(client_ru, codename)
    assert empty == unknown == forced == after
    assert "No new messages." in empty[3]


def test_the_inbox_runs_the_same_queries_for_known_and_unknown(client_ru, programme):
    codename, _phrase, _duress = apply(client_ru)
    counts = []
    for name in (codename, codenames.new_codename()):
        login(client_ru, name)
        with CaptureQueriesContext(connection) as queries:
            client_ru.get("/portal/inbox/")
        counts.append([re.sub(r"'[^']*'|\d+", "?", q["sql"]) for q in queries.captured_queries])
    assert counts[0] == counts[1]


def test_a_duress_login_compromises_the_case_and_cancels_escort_tasks(client_ru, programme):
    codename, _phrase, duress = apply(client_ru)
    client_ru.post("/portal/apply/duress/", {"choice": "2"})
    case = Case.objects.get()
    task = records.seal(
        case, ESCORT, {"point": "x"}, kind="task", field_unit=programme.teams["field"]
    )
    messages.to_applicant(case, "Секретный план", actor=programme.users["operator"])
    six = codename.split()[:-1]
    _status, _loc, _code, html = _inbox_page(client_ru, " ".join([*six, duress[2]]))
    assert "Секретный план" not in html
    case.refresh_from_db()
    assert not case.duress and task.keys.exists()  # the login only queued the work
    run_worker()
    case.refresh_from_db()
    assert case.status == Case.Status.COMPROMISED and case.duress
    assert not task.keys.exists()
    assert Event.objects.filter(action="duress_login", object_id=case.number).exists()
    # The case's team and the field unit are alerted; the field unit never sees the case.
    field = programme.staff.client(programme.users["field_liaison"])
    field.cookies["corridor_language"] = "en"
    dashboard = field.get("/").content.decode()
    assert "Do not go to the meeting point." in dashboard and case.number not in dashboard
    officer = programme.staff.client(programme.users["operator"])
    officer.cookies["corridor_language"] = "en"
    assert (
        f"Case {case.number}: the applicant logged in under duress"
        in officer.get("/").content.decode()
    )
    from cases.models import Alert

    alert = Alert.objects.get(team=programme.teams["field"])
    field.post(f"/cases/alerts/{alert.pk}/acknowledge/")
    alert.refresh_from_db()
    assert alert.acknowledged_by == programme.users["field_liaison"]
    assert "Do not go to the meeting point." not in field.get("/").content.decode()
    # From now on the real codename shows nothing either.
    assert "Секретный план" not in _inbox_page(client_ru, codename)[3]


def test_another_offered_word_is_not_duress(client_ru, programme):
    codename, _phrase, duress = apply(client_ru)
    client_ru.post("/portal/apply/duress/", {"choice": "0"})
    _inbox_page(client_ru, " ".join([*codename.split()[:-1], duress[3]]))
    assert not Case.objects.get().duress


def test_the_applicant_replies_and_staff_can_read_it(client_ru, programme):
    codename, _phrase, _duress = apply(client_ru)
    login(client_ru, codename)
    response = client_ru.post("/portal/inbox/reply/", {"text": "Я уже на фронте"})
    assert response["Location"] == "/portal/inbox/?sent=1"
    assert not Message.objects.exists()  # queued, sealed to the workers' key
    from django_tasks_db.models import DBTaskResult

    assert "Я уже на фронте" not in repr(list(DBTaskResult.objects.values()))
    run_worker()
    message = Message.objects.get(direction="in")
    operator = programme.users["operator"]
    from tests.vault.conftest import private_of

    text = records.decrypt(
        message.record, records.data_key(operator, private_of(operator), message.record)
    )
    assert text == {"text": "Я уже на фронте"}


def test_a_reply_from_an_unknown_codename_is_dropped_silently(client_ru, programme):
    login(client_ru, codenames.new_codename())
    response = client_ru.post("/portal/inbox/reply/", {"text": "hello"})
    assert response["Location"] == "/portal/inbox/?sent=1"
    run_worker()
    assert not Message.objects.exists()


def test_operational_messages_expire_and_can_be_deleted_once_read(client_ru, programme):
    from datetime import timedelta

    from django.utils import timezone

    codename, _phrase, _duress = apply(client_ru)
    case = Case.objects.get()
    operator = programme.users["operator"]
    soon = messages.to_applicant(
        case,
        "Точка А, 05:00",
        actor=operator,
        operational=True,
        expires_at=timezone.now() + timedelta(hours=2),
    )
    messages.to_applicant(
        case,
        "Точка Б, вчера",
        actor=operator,
        operational=True,
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    _s, _l, _c, html = _inbox_page(client_ru, codename)
    assert "Точка А" in html and "Точка Б" not in html
    client_ru.post("/portal/inbox/delete/", {"message": soon.pk})
    assert not Message.objects.filter(pk=soon.pk).exists()
    assert "Точка А" not in client_ru.get("/portal/inbox/").content.decode()


def test_the_portal_is_russian_whatever_the_browser_says(client, programme):
    page = client.get("/portal/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.5")
    assert page["Content-Language"] == "ru"


def test_a_session_may_send_only_a_few_applications(client_ru, programme, settings):
    settings.CORRIDOR_PORTAL_SESSION_SUBMISSIONS = 1
    apply(client_ru)
    client_ru.get("/portal/apply/")
    for _ in range(40):
        qid = current_question(client_ru)
        if qid is None:
            break
        client_ru.post("/portal/apply/", {"answer": SOLDIER.get(qid, ""), "action": "next"})
    assert client_ru.post("/portal/apply/send/").status_code == 429
    assert Case.objects.count() == 1


def test_the_global_limit_refuses_cheaply(client_ru, programme, settings):
    settings.CORRIDOR_PORTAL_LOGINS_PER_MINUTE = 2
    for _ in range(2):
        client_ru.post("/portal/login/", {"codename": "a b c"})
    with CaptureQueriesContext(connection) as queries:
        refused = client_ru.post("/portal/login/", {"codename": codenames.new_codename()})
    assert refused.status_code == 429
    assert len(queries.captured_queries) <= 6  # the bucket only: no look-up, no crypto


@pytest.mark.parametrize(
    "url",
    [
        "/portal/",
        "/portal/apply/",
        "/portal/login/",
        *[
            f"/portal/p/{s}/"
            for s in ("offer", "rights", "after", "drone", "genuine", "safety", "rewards")
        ],
    ],
)
def test_every_page_is_small_and_self_contained(client, programme, url):
    for language in ("ru", "uk", "en"):
        client.cookies["corridor_language"] = language
        page = client.get(url)
        assert page.status_code == 200
        assert len(page.content) <= 30 * 1024, (url, language, len(page.content))
        html = page.content.decode()
        assert not re.findall(r'(?:src|href|action)="(?:https?:)?//', html)
        assert "<script" not in html and " style=" not in html


def test_there_is_no_public_verify_page(client, programme):
    for url in ("/portal/verify/", "/portal/check/", "/verify/"):
        assert client.get(url).status_code in (302, 404)


def test_the_reward_table_comes_from_the_schedule(client_ru, programme):
    html = client_ru.get("/portal/p/rewards/").content.decode()
    assert (
        "500\u202f000" in html and "Combat helicopter" in html and "25\u202f000–35\u202f000" in html
    )


def test_an_officer_issues_a_new_codename_after_duress(client_ru, programme):
    codename, _phrase, duress = apply(client_ru)
    client_ru.post("/portal/apply/duress/", {"choice": "0"})
    _inbox_page(client_ru, " ".join([*codename.split()[:-1], duress[0]]))
    run_worker()
    case = Case.objects.get()
    assert case.duress
    officer = programme.staff.client(programme.users["case_officer"])
    officer.cookies["corridor_language"] = "en"
    page = officer.get(f"/cases/{case.number}/")
    assert "Duress login" in page.content.decode()
    issued = officer.post(f"/cases/{case.number}/new-codename/").content.decode()
    new = re.search(r'Codename: <code class="secret">([a-z ]+)</code>', issued).group(1)
    case.refresh_from_db()
    assert not case.duress
    messages.to_applicant(case, "Новый контакт", actor=programme.users["case_officer"])
    assert "Новый контакт" in _inbox_page(client_ru, new)[3]
    assert "Новый контакт" not in _inbox_page(client_ru, codename)[3]  # the old one is dead
    assert (
        programme.staff.client(programme.users["operator"])
        .post(f"/cases/{case.number}/new-codename/")
        .status_code
        == 403
    )


def test_a_second_stage_update_from_the_portal_joins_the_same_case(client_ru, programme):
    codename, _phrase, _duress = apply(
        client_ru, {"who": "serviceman", "situation": "not_deployed"}
    )
    login(client_ru, codename)
    client_ru.post("/portal/inbox/update/", {"situation": "front", "area": "48.1, 37.6"})
    run_worker()
    case = Case.objects.get()
    update = case.records.get(kind="recontact")
    operator = programme.users["operator"]
    from tests.vault.conftest import private_of

    assert records.decrypt(update, records.data_key(operator, private_of(operator), update)) == {
        "situation": "front",
        "area": "48.100000, 37.600000",
    }
    assert Event.objects.filter(action="case_recontact", object_id=case.number).exists()


def test_an_update_from_an_unknown_codename_stores_nothing(client_ru, programme):
    login(client_ru, codenames.new_codename())
    response = client_ru.post("/portal/inbox/update/", {"situation": "front"})
    assert response["Location"] == "/portal/inbox/?sent=1"
    run_worker()
    assert not Case.objects.exists()


def test_a_reissued_codename_opens_its_inbox_despite_older_messages(client_ru, programme):
    codename, _phrase, _duress = apply(client_ru)
    case = Case.objects.get()
    messages.to_applicant(case, "Старое", actor=programme.users["operator"])
    from intake import service

    new = service.reissue_codename(case, actor=programme.users["case_officer"]).codename
    status, _loc, code, html = _inbox_page(client_ru, new)
    assert code == 200 and "Старое" not in html  # sealed to the old codename: skipped


def test_a_later_status_is_not_shown_without_a_message(client_ru, programme):
    codename, _phrase, _duress = apply(client_ru)
    Case.objects.update(status=Case.Status.VERIFIED)
    unknown = _inbox_page(client_ru, codenames.new_codename())
    assert _inbox_page(client_ru, codename)[3] == unknown[3]


def test_an_odd_duress_choice_is_ignored_not_a_crash(client_ru, programme):
    apply(client_ru)
    assert client_ru.post("/portal/apply/duress/", {"choice": "²"}).status_code == 200


def test_each_login_starts_a_new_portal_session(client_ru, programme):
    codename, _phrase, _duress = apply(client_ru)
    before = client_ru.cookies["corridor_portal"].value
    login(client_ru, codename)
    assert client_ru.cookies["corridor_portal"].value != before
    from intake.models import PortalSession

    assert PortalSession.objects.count() == 1


def test_a_first_look_at_the_questionnaire_stores_nothing(client, programme):
    from intake.models import PortalSession

    for _ in range(5):
        assert client.get("/portal/apply/").status_code == 200
    assert not PortalSession.objects.exists()


def test_a_portal_host_sees_only_the_portal(client, programme, settings):
    settings.CORRIDOR_PORTAL_HOSTS = ["portal.example.org"]
    settings.ALLOWED_HOSTS = ["portal.example.org", "testserver"]
    from corridor import middleware  # noqa: F401  (reads the setting per request)

    page = client.get("/", HTTP_HOST="portal.example.org")
    assert page.status_code == 200 and 'class="brand"' in page.content.decode()
    login_page = client.get("/login/", HTTP_HOST="portal.example.org").content.decode()
    assert 'name="codename"' in login_page and 'name="password"' not in login_page
    for staff_url in ("/staff/", "/audit/", "/cases/", "/intake/hotline/", "/enrol/"):
        assert client.get(staff_url, HTTP_HOST="portal.example.org").status_code == 404


def _shape(value):
    """What a statement's parameter looks like from outside: its type and size, not its value
    (ids and times differ from login to login, their sizes must not)."""
    if isinstance(value, bytes | bytearray | memoryview | str):
        return type(value).__name__, len(value)
    return type(value).__name__


def _login_work(client, codename):
    """Every statement a codename login runs, with its parameters' shapes, and the response."""
    client.post("/portal/logout/")
    seen = []

    def record(execute, sql, params, many, context):
        sql = re.sub(r'"s\d+_x\d+"', '"savepoint"', sql)  # Django numbers its savepoints
        seen.append((sql, tuple(_shape(p) for p in params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = client.post("/portal/login/", {"codename": codename})
    return seen, (response.status_code, response["Location"], sorted(response.cookies))


def test_a_first_duress_login_runs_the_same_statements_and_writes_as_any_login(
    client_ru, programme
):
    """Unknown, empty, real (a message waiting) and a first duress login: the same statements,
    parameters of the same sizes (so the same rows of the same sizes written) and the same
    response. The duress effects wait for the worker."""
    empty, _phrase, duress = apply(client_ru)
    client_ru.post("/portal/apply/duress/", {"choice": "1"})
    real, _phrase, _duress = apply(client_ru)
    messages.to_applicant(
        Case.objects.exclude(applicant_key__isnull=True).order_by("-number").first(),
        "Ответ",
        actor=programme.users["operator"],
    )
    forced = " ".join([*empty.split()[:-1], duress[1]])
    _login_work(client_ru, codenames.new_codename())  # the rate bucket's row exists from now on
    work = {
        "unknown": _login_work(client_ru, codenames.new_codename()),
        "empty": _login_work(client_ru, empty),
        "real": _login_work(client_ru, real),
        "duress": _login_work(client_ru, forced),
    }
    assert work["unknown"] == work["empty"] == work["real"] == work["duress"]
    inserts = [sql for sql, _p in work["duress"][0] if sql.startswith("INSERT")]
    assert sum("dbtaskresult" in sql for sql in inserts) == 1  # the one sealed outbox row
    assert not Case.objects.filter(duress=True).exists()
    assert not Event.objects.filter(action="duress_login").exists()  # the worker's job
    run_worker()
    assert Case.objects.filter(duress=True).count() == 1
    assert Event.objects.filter(action="duress_login").count() == 1
    # A repeated duress login does the same again, and the worker does nothing more.
    assert _login_work(client_ru, forced) == work["unknown"]
    run_worker()
    assert Event.objects.filter(action="duress_login").count() == 1


def test_a_pending_login_row_names_no_case_and_looks_like_any_other(client_ru, programme):
    from django_tasks_db.models import DBTaskResult

    codename, _phrase, _duress = apply(client_ru)
    case = Case.objects.get()
    DBTaskResult.objects.all().delete()
    login(client_ru, codename)
    login(client_ru, codenames.new_codename())
    rows = list(DBTaskResult.objects.values())
    assert len(rows) == 2
    for row in rows:
        text = repr(row)
        assert str(case.pk) not in text and case.number not in text
        assert str(case.pk).replace("-", "") not in text
    shape = [
        (r["task_path"], r["queue_name"], r["priority"], len(r["args_kwargs"]["args"][0]))
        for r in rows
    ]
    assert shape[0] == shape[1] and shape[0][0] == "corridor.outbox.deliver"


@pytest.mark.django_db(transaction=True)
def test_the_real_worker_command_runs_the_duress_effects(client, programme):
    from django.core.management import call_command

    client.cookies["corridor_language"] = "en"
    codename, _phrase, duress = apply(client)
    client.post("/portal/apply/duress/", {"choice": "3"})
    _inbox_page(client, " ".join([*codename.split()[:-1], duress[3]]))
    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    case = Case.objects.get()
    assert case.status == Case.Status.COMPROMISED and case.alerts.exists()


def test_writing_from_a_real_or_an_unknown_codename_does_the_same_work(client_ru, programme):
    codename, _phrase, _duress = apply(client_ru)
    shapes = []
    for name in (codename, codenames.new_codename()):
        login(client_ru, name)
        with CaptureQueriesContext(connection) as queries:
            client_ru.post("/portal/inbox/reply/", {"text": "Я здесь"})
        shapes.append(
            [
                re.sub(r"'[^']*'|\d+|X'[0-9a-fA-F]*'", "?", q["sql"])[:60]
                for q in queries.captured_queries
            ]
        )
    assert shapes[0] == shapes[1]


def _offered_on_page(client) -> list[str]:
    html = client.get("/portal/inbox/duress-word/").content.decode()
    return re.findall(r'name="choice" value="\d"> ([^<]+)</label>', html)


def test_the_applicant_sets_and_changes_his_duress_word_in_his_session(client_ru, programme):
    codename, _phrase, duress = apply(client_ru)
    case = Case.objects.get()
    assert case.applicant_key.duress_choice is None  # he skipped it when applying
    login(client_ru, codename)
    assert _offered_on_page(client_ru) == duress
    sent = client_ru.post("/portal/inbox/duress-word/", {"choice": "3"})
    assert sent["Location"] == "/portal/inbox/?duress=1"
    assert "Your duress word is saved." in client_ru.get(sent["Location"]).content.decode()
    run_worker()  # queued like any write of his, sealed
    case.applicant_key.refresh_from_db()
    assert case.applicant_key.duress_choice == 3
    client_ru.post("/portal/inbox/duress-word/", {"choice": "0"})
    run_worker()
    case.applicant_key.refresh_from_db()
    assert case.applicant_key.duress_choice == 0
    events = Event.objects.filter(action="duress_word_set", object_id=case.number)
    assert events.count() == 2 and all(e.detail == {"by": "applicant"} for e in events)
    # And the new word works as his duress word.
    _inbox_page(client_ru, " ".join([*codename.split()[:-1], duress[0]]))
    run_worker()
    assert Case.objects.get().duress


def test_a_duress_session_never_offers_the_word_he_typed(client_ru, programme):
    """A coercer who watched him type his duress word and then opens this page must not find
    that word among the duress words; and nothing he chooses there reaches the case."""
    codename, _phrase, duress = apply(client_ru)
    client_ru.post("/portal/apply/duress/", {"choice": "2"})
    forced = " ".join([*codename.split()[:-1], duress[2]])
    login(client_ru, forced)
    offered = _offered_on_page(client_ru)
    assert len(offered) == 4 and duress[2] not in offered
    login(client_ru, forced)
    assert _offered_on_page(client_ru) == offered  # the same list every time
    client_ru.post("/portal/inbox/duress-word/", {"choice": "0"})
    run_worker()
    case = Case.objects.get()
    assert case.duress and case.applicant_key.duress_choice == 2


def test_the_duress_word_page_needs_a_codename_session(client_ru, programme):
    assert client_ru.get("/portal/inbox/duress-word/")["Location"] == "/portal/login/"
    assert client_ru.post("/portal/inbox/duress-word/", {"choice": "1"}).status_code == 302
    from django_tasks_db.models import DBTaskResult

    assert not DBTaskResult.objects.exists()


def test_an_odd_choice_on_the_duress_word_page_is_refused_with_a_message(client_ru, programme):
    codename, _phrase, _duress = apply(client_ru)
    login(client_ru, codename)
    page = client_ru.post("/portal/inbox/duress-word/", {"choice": "9"})
    assert page.status_code == 200 and "Choose one of the words." in page.content.decode()
