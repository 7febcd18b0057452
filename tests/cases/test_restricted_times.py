"""A restricted case keeps no true time in clear anywhere: every date column of every table,
for every row about the case, holds at most its year (1 January, 00:00 UTC), before and after
the restriction; the true times are sealed to the named users and escrow, and the audit chain
still verifies."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.apps import apps
from django.db import models
from django.test import RequestFactory
from django.utils import timezone

from audit import log
from audit.models import Event
from cases import messages, restriction, workflow
from cases.models import Case
from telegram_bot import delivery as telegram_delivery
from telegram_bot import tasks as telegram_tasks
from telegram_bot.models import CaseChat, Delivery
from tests.vault.conftest import make_case, private_of, unlocked
from vault import codenames, records, sessions
from vault import teams as team_keys
from vault.policy import CORRESPONDENCE, IDENTITY
from vault.telegram import seal_chat

# Tables with date columns that hold nothing about any case. A new model with a date column
# must be added here or be reachable from a case below, so the walk cannot silently miss it.
NOT_ABOUT_A_CASE = {
    "sessions.Session",
    "accounts.StaffSession",
    "accounts.TOTPDevice",
    "accounts.BackupCodeDevice",
    "accounts.User",
    "accounts.Team",
    "accounts.Membership",
    "accounts.LoginThrottle",
    "vault.StaffKey",
    "vault.TeamKey",
    "vault.TeamKeySeal",
    "intake.WatchEntry",
    "intake.RateBucket",
    # Its id is a keyed hash of the cookie's token and its state is sealed under the cookie's
    # key: nothing in the row ties it to a case.
    "intake.PortalSession",
    # The outbox (django_tasks' table) is covered elsewhere: its rows are deleted on delivery
    # and the case id travels sealed in the payload (issue 18, point 1; tests/intake).
    "django_tasks_database.DBTaskResult",
    # A Telegram chat is found by a keyed hash of its id; which case it made is only inside its
    # state, sealed under a key derived from the chat id (docs/telegram.md). Its dates (last
    # update, rate bucket) are the chat's, and nothing in the row names a case in clear.
    "telegram_bot.Chat",
    # Exchange rates: a currency's rate per US dollar on a day, imported by finance.
    "rewards.Rate",
}


def _dated_models():
    for model in apps.get_models():
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.DateField | models.DateTimeField)
        ]
        if fields:
            yield model, fields


def _rows_about(model, case):
    """Rows of ``model`` about ``case``: through a foreign key to the case or to one of its
    records; None if the model has no such key."""
    if model is Case:
        return Case.objects.filter(pk=case.pk)
    condition = models.Q()
    for field in model._meta.concrete_fields:
        target = getattr(field, "related_model", None)
        if target is Case:
            condition |= models.Q(**{field.name: case})
        elif target is apps.get_model("vault", "Record"):
            condition |= models.Q(**{f"{field.name}__case": case})
    return model.objects.filter(condition) if condition else None


def _only_year(value) -> bool:
    if isinstance(value, datetime):
        value = value.astimezone(UTC)
        return (value.month, value.day, value.hour, value.minute, value.second) == (
            1,
            1,
            0,
            0,
            0,
        ) and value.microsecond == 0
    return (value.month, value.day) == (1, 1)


def _request(staff, user):
    client = staff.client(user)
    request = RequestFactory().get("/")
    request.user, request.session = user, client.session
    request.COOKIES[sessions.COOKIE] = client.cookies[sessions.COOKIE].value
    return request


def _work_on(case, programme, supervisor):
    """Everything that dates a case: messages both ways (one operational, read), an alert
    raised and acknowledged, a possible duplicate, a codename."""
    secret = codenames.derive(codenames.parse(codenames.new_codename()).six)
    if not case.applicant_key_exists:
        codenames.register(case, secret)
    else:
        codenames.replace(case, secret)
    messages.from_applicant(case, "Где встретимся?")
    sent = messages.to_applicant(
        case,
        "Точка у моста",
        actor=supervisor,
        operational=True,
        expires_at=timezone.now() + timedelta(days=3),
    )
    messages.mark_read(case.pk, [sent.pk])
    # A Telegram notice, queued and sent by the worker's handler.
    CaseChat.objects.get_or_create(case=case, defaults={"sealed_chat": seal_chat(445566778)})
    notice = telegram_delivery.queue_notice(case, sent, actor=supervisor)
    telegram_tasks.send_delivery(delivery=str(notice.pk), case=str(case.pk), what="notice")
    assert Delivery.objects.get(pk=notice.pk).status == "sent"
    workflow.raise_alerts(case, field_units=[programme.teams["field"]])
    alert = case.alerts.filter(acknowledged_at=None).first()
    workflow.acknowledge_alert(alert.pk, actor=supervisor)
    other = make_case(programme.teams["intake"])
    workflow.link_possible_duplicate(other, case, via="phone")
    newer = make_case(programme.teams["intake"])
    workflow.link_new_case(newer, [("full_name", case.pk, case.number)])
    return secret


def _plan_and_escort(case, programme, officer, approver):
    """Everything planning dates: a plan, an instruction released by a second person, an escort
    task with a field report, then (the first time) an abort with its alert."""
    from planning import escort, field, instructions, plans
    from tests.planning.conftest import plan_values

    Case.objects.filter(pk=case.pk).update(status=Case.Status.PLANNING)
    case.refresh_from_db()
    if not case.records.filter(kind="phrase").exists():
        records.seal(case, CORRESPONDENCE, {"phrase": "Синяя птица"}, kind="phrase")
    plans.save_plan(case, plan_values(programme), actor=officer)
    draft = instructions.draft(case, actor=officer, actor_private=private_of(officer))
    instructions.release(draft, actor=approver, actor_private=private_of(approver))
    task = escort.create_task(case, actor=officer, actor_private=private_of(officer))
    liaison = programme.users["field_liaison"]
    escort.open_task(liaison, private_of(liaison), escort.task_for_user(liaison, task.pk))
    # Field reports need the exit scheduled (planning.field.report).
    Case.objects.filter(pk=case.pk).update(status=Case.Status.SCHEDULED)
    field.report(escort.task_for_user(liaison, task.pk), "contact", actor=liaison)
    if not case.alerts.filter(kind="escort_aborted").exists():
        field.report(task, "aborted", actor=liaison, reason="обстрел")


def _family(case, officer, own_case=None):
    """Everything the family app dates: a relative listed, moved, failed with a reason, tried
    again, edited, and (the first time) linked to the relative's own case."""
    from family import links as family_links
    from family import relatives

    relative = relatives.add(case, {"relation": "spouse", "name": "Ольга"}, actor=officer)
    relative = relatives.step(relative, "contact", actor=officer)
    relative = relatives.step(relative, "fail", actor=officer, reason="unreachable")
    relative = relatives.step(relative, "retry", actor=officer)
    relative = relatives.edit(relative, {"relation": "spouse", "name": "Ольга Л."}, actor=officer)
    if own_case is not None:
        family_links.link_own_case(relative, own_case.number, actor=officer)


def _receive_and_register(case, officer):
    """Everything reception dates: custody (once), registration, a later event, a capture
    card marked sent."""
    from reception import custody
    from reception.models import Custody
    from tests.reception.conftest import custody_values, registration_values

    if not Custody.objects.filter(case=case).exists():
        Case.objects.filter(pk=case.pk).update(status=Case.Status.IN_PROGRESS)
        custody.record_custody(case, custody_values(), actor=officer)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.RECEIVED)
    custody.register_pow(case, registration_values(), actor=officer)
    custody.record_event(
        case, "hospital", {"occurred_at": timezone.now(), "place": "госпиталь"}, actor=officer
    )
    custody.mark_card_sent(case.capture_cards.filter(sent_at=None).first(), actor=officer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    from reception import media

    consent = media.record_consent(
        case, {"photo": True, "purpose": "МККК", "statement": "устно"}, actor=officer
    )
    media.add_media(
        case,
        SimpleUploadedFile("f.jpg", b"jpeg", content_type="image/jpeg"),
        kind="photo",
        actor=officer,
    )
    media.withdraw_consent(consent, actor=officer)
    from reception import enquiries

    asked = enquiries.record_enquiry(
        case,
        {"requester_name": "мать", "relation": "мать", "surname": "Сидоренко",
         "first_names": "Иван", "service_number": "АБ-123456"},
        actor=officer,
    )  # fmt: skip
    enquiries.answer_enquiry(asked, "no_record", actor=officer, opener=None)


def _rewards(case, programme):
    """Equipment recorded and a reward proposed by finance (dated rows about the case)."""
    from decimal import Decimal

    from rewards import approvals, equipment
    from tests.rewards.conftest import mi8

    officer = unlocked(programme.users["finance_officer"])
    item = equipment.record_item(case, mi8(), actor=officer)
    approvals.propose(item, Decimal(500_000), "", actor=officer, actor_private=private_of(officer))


@pytest.fixture
def second(programme):
    user = programme.staff.make(
        "supervisor2", roles=["supervisor"], teams=[programme.teams["intake"]]
    )
    first = programme.users["supervisor"]
    team_keys.grant(programme.teams["intake"], user, actor=first, actor_private=private_of(first))
    return unlocked(user)  # what his session's keys open (issue 18, point 5)


def test_a_restricted_case_keeps_no_true_time_in_any_table(
    programme, second, staff, monkeypatch, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)  # the sealed photo's file

    async def sent_to_telegram(chat_id, text):
        return 7  # Telegram's message id; nothing leaves the machine

    monkeypatch.setattr(telegram_tasks, "_send", sent_to_telegram)
    first = unlocked(programme.users["supervisor"])
    officer = unlocked(programme.users["case_officer"])
    case = make_case(programme.teams["intake"])
    records.seal(case, IDENTITY, {"name": "Пилот Вертолётов"}, kind="answers")
    case.applicant_key_exists = False
    _work_on(case, programme, first)
    _plan_and_escort(case, programme, officer, first)
    # A relative of the case, and the case as a relative's own case of another one.
    _family(case, officer)
    _family(make_case(programme.teams["intake"]), officer, own_case=case)
    _receive_and_register(case, officer)
    _rewards(case, programme)
    # Two supervisors restrict it: the rows written so far are cut to their year.
    # Named: both supervisors, so that a later request has an approver who holds the keys
    # (issue 18, point 5); approved by a third who holds the team's key.
    approver = programme.staff.make(
        "supervisor9", roles=["supervisor"], teams=[programme.teams["intake"]]
    )
    team_keys.grant(
        programme.teams["intake"], approver, actor=first, actor_private=private_of(first)
    )
    restriction.request_access(case, [first, officer, second], actor=first)
    restriction.decide(
        case, approve=True, actor=unlocked(approver), actor_private=private_of(approver)
    )
    case.refresh_from_db()
    assert case.restricted
    first, second = unlocked(first), unlocked(second)  # what their keys open now
    restricted_from = Event.objects.order_by("-seq").values_list("seq", flat=True).first()
    # And everything done afterwards keeps only its year from the start.
    case.applicant_key_exists = True
    secret = _work_on(case, programme, first)
    _plan_and_escort(case, programme, unlocked(officer), first)
    _family(case, unlocked(officer))
    _receive_and_register(case, unlocked(officer))
    records.open(_request(staff, officer), case.records.filter(kind="answers").get())
    third = programme.staff.make("supervisor3", roles=["supervisor"], teams=[])
    restriction.request_access(case, [third], actor=first)
    restriction.decide(case, approve=True, actor=second, actor_private=private_of(second))

    walked = set()
    for model, fields in _dated_models():
        label = model._meta.label
        rows = _rows_about(model, case)
        if label == "audit.Event":
            continue  # below: events name the case by number, not by key
        if rows is None:
            assert label in NOT_ABOUT_A_CASE, f"{label} has dates: is it about a case?"
            continue
        walked.add(label)
        for row in rows.values("pk", *[f.name for f in fields]):
            for field in fields:
                value = row[field.name]
                assert value is None or _only_year(value), f"{label}.{field.name} in clear"
    assert {
        "cases.Case",
        "cases.Message",
        "cases.Alert",
        "cases.CaseLink",
        "cases.CaseGrant",
        "cases.AccessRequest",
        "vault.Record",
        "vault.ApplicantKey",
        "planning.Plan",
        "planning.Instruction",
        "planning.EscortTask",
        "telegram_bot.Delivery",
        "family.Relative",
        "reception.Custody",
        "reception.Registration",
        "reception.CustodyEvent",
        "reception.CaptureCard",
        "reception.MediaConsent",
        "reception.Media",
        "reception.Enquiry",
        "rewards.EquipmentItem",
        "rewards.Proposal",
        "rewards.Payment",
        "rewards.Entry",
    } <= walked
    # The other side of each link is dated by the year too.
    for link in apps.get_model("cases", "CaseLink").objects.filter(other=case):
        assert _only_year(link.created_at)

    # Audit events about the case: year only, nothing in their detail. No event about another
    # case names it once it is restricted (one written before, a possible duplicate found on
    # another case, keeps its time: docs/threat-model.md).
    about = Event.objects.filter(object_type="case", object_id=case.number)
    assert about.count() >= 12
    for event in about:
        assert _only_year(event.at) and event.detail == {} and event.sealed is not None
    others = Event.objects.exclude(object_type="case", object_id=case.number)
    for event in others.filter(seq__gt=restricted_from):
        assert case.number not in json.dumps(event.detail), event.action
    # An escort task's events (opened, reported) are the case's, so sealed: none names a task.
    tasks = [str(pk) for pk in case.escort_tasks.values_list("pk", flat=True)]
    assert tasks and not Event.objects.filter(object_id__in=tasks).exists()
    assert about.filter(action__in=["escort_task_opened", "escort_reported"]).count() >= 4
    assert log.verify()[1] is None

    # The true times are there for the named: the applicant still sees his message's time
    # and window; a named officer opens the sealed events.
    shown = messages.inbox(case.pk, secret.private_key)
    assert shown and all(not _only_year(m["at"]) for m in shown)
    assert all(not _only_year(m["expires_at"]) for m in shown if m["operational"])
    private = records.case_audit_private(_request(staff, officer), case)
    opened = [log.unseal(e, private) for e in about]
    assert all(not _only_year(o["at"]) for o in opened)
    assert any(o["detail"].get("messages") for o in opened)  # the sealed read time


def test_the_case_page_shows_true_times_only_to_named_people_with_keys(programme, second, staff):
    first = unlocked(programme.users["supervisor"])
    officer = unlocked(programme.users["case_officer"])
    case = make_case(programme.teams["intake"])
    records.seal(case, IDENTITY, {"name": "Пилот Вертолётов"}, kind="answers")
    restriction.request_access(case, [first, officer], actor=first)
    restriction.decide(case, approve=True, actor=second, actor_private=private_of(second))
    case.refresh_from_db()
    messages.from_applicant(case, "Где встретимся?")
    key_record = case.records.get(kind=records.AUDIT_KEY)
    today = timezone.localdate().isoformat()

    client = staff.client(officer)
    client.cookies["corridor_language"] = "en"
    html = client.get(f"/cases/{case.number}/").content.decode()
    assert f'<time datetime="{today}' in html  # the sealed event times, opened
    assert str(key_record.id) not in html and "private" not in html  # no key on a page
    # The same session without the browser's key half is no session at all (issue 18,
    # point 2): the login page, and no time of the case.
    locked = staff.client(officer)
    locked.cookies.pop(sessions.COOKIE)
    locked.cookies["corridor_language"] = "en"
    response = locked.get(f"/cases/{case.number}/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert today not in response.content.decode()
