"""Staff replies and notices to a Telegram chat through the outbox."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from cases import channels
from cases import messages as case_messages
from cases.models import Case
from cases.states import TransitionRefused
from corridor import outbox
from telegram_bot import delivery, tasks
from telegram_bot.models import Delivery
from tests.telegram.conftest import CHAT, run_outbox
from tests.telegram.test_conversation import answer_everything
from vault.delivery import open_for_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def telegram_case(telegram, programme, settings):
    settings.CORRIDOR_TELEGRAM_CODENAME_SECONDS = 3600  # keep the hand-over out of the way
    telegram.say("/start")
    answer_everything(telegram)
    return Case.objects.get()


def reply(case, programme, text="We have your message.", **options):
    operator = programme.users["operator"]
    message = case_messages.to_applicant(case, text, actor=operator, **options)
    told = channels.announce(case, message, text, actor=operator)
    return message, told


def outbox_rows():
    """Queued delivery rows (not the rows that delete messages later): only the sealed
    payload says which is which."""
    rows = DBTaskResult.objects.filter(status="READY", task_path="corridor.outbox.deliver")
    return [
        r for r in rows if open_for_worker(r.args_kwargs["args"][0])["kind"] == "telegram_deliver"
    ]


def test_a_plain_reply_reaches_the_chat_once(telegram, telegram_case, programme):
    reply(telegram_case, programme)
    before = len(telegram.sent())
    run_outbox()
    sent = telegram.sent()[before:]
    assert [s["text"] for s in sent] == ["We have your message."]
    assert sent[0]["chat_id"] == CHAT and sent[0]["protect_content"] is True
    record = Delivery.objects.get()
    assert record.status == "sent" and record.telegram_message_id == telegram.state["next_id"]


def test_the_outbox_row_holds_only_one_sealed_payload(telegram, telegram_case, programme):
    reply(telegram_case, programme, "Secret words")
    (row,) = outbox_rows()
    assert row.args_kwargs["kwargs"] == {} and len(row.args_kwargs["args"]) == 1
    stored = str(row.args_kwargs)
    for clear in ("Secret words", str(CHAT), str(telegram_case.pk), telegram_case.number):
        assert clear not in stored


def _lease_runs_out(row) -> None:
    """The worker that claimed ``row`` is gone: after the lease, the next worker's check puts
    the row back (corridor/outbox.py, ``requeue_lost``), due at once for the test."""
    DBTaskResult.objects.filter(pk=row.pk).update(started_at=timezone.now() - outbox.LEASE * 2)
    assert outbox.requeue_lost() == 1
    DBTaskResult.objects.filter(pk=row.pk).update(run_after=timezone.now())


def test_a_reply_is_sent_exactly_once_across_a_worker_crash(
    telegram, telegram_case, programme, monkeypatch
):
    """A worker claims the row and dies before Telegram has the message: the row comes back
    after the lease and the reply is sent once. A worker whose lease ran out while it was
    only slow, and that runs its copy of the row after the other worker delivered it, finds
    the delivery recorded and sends nothing."""
    reply(telegram_case, programme)
    (row,) = outbox_rows()
    before = len(telegram.sent())
    row.claim("dead-worker")

    async def killed(*args, **kwargs):
        raise SystemExit("worker killed before the send")

    send = tasks._send
    monkeypatch.setattr(tasks, "_send", killed)
    with pytest.raises(SystemExit):
        outbox.run(row)
    monkeypatch.setattr(tasks, "_send", send)
    assert len(telegram.sent()) == before and Delivery.objects.get().status == "queued"
    _lease_runs_out(row)
    slow_copy = DBTaskResult.objects.get(pk=row.pk)
    assert run_outbox() == 1
    assert outbox.run(slow_copy)  # the slow worker's late run of the same row
    assert len(telegram.sent()) - before == 1
    assert Delivery.objects.get().status == "sent" and outbox_rows() == []


def test_the_duplicate_window_between_sending_and_recording(
    telegram, telegram_case, programme, monkeypatch
):
    """Telegram has no idempotency key: a worker that dies after Telegram accepted the message
    and before the row's transaction (with the recorded message id) commits leaves the row;
    after the lease it runs again and sends a second copy (docs/threat-model.md, item 21)."""
    reply(telegram_case, programme)
    (row,) = outbox_rows()
    before = len(telegram.sent())
    row.claim("dying-worker")

    def dies(*args, **kwargs):
        raise SystemExit("worker killed")

    record_sent = tasks.record_sent
    monkeypatch.setattr(tasks, "record_sent", dies)
    with pytest.raises(SystemExit):
        outbox.run(row)
    monkeypatch.setattr(tasks, "record_sent", record_sent)
    assert len(telegram.sent()) - before == 1
    assert Delivery.objects.get().status == "queued"  # the record was rolled back with the row
    _lease_runs_out(row)
    run_outbox()
    assert len(telegram.sent()) - before == 2  # the duplicate the window allows
    assert Delivery.objects.get().status == "sent" and outbox_rows() == []


def test_a_failed_send_is_retried_later_with_backoff(telegram, telegram_case, programme):
    reply(telegram_case, programme)
    telegram.state["fail"] = {"sendMessage": 1}
    run_outbox()
    record = Delivery.objects.get()
    assert record.status == "queued" and record.attempts == 1
    (retry,) = outbox_rows()
    assert retry.run_after > timezone.now() + timedelta(seconds=20)
    retry.run_after = timezone.now()
    retry.save(update_fields=["run_after"])
    run_outbox()
    assert Delivery.objects.get().status == "sent"


def test_after_the_last_attempt_it_is_failed_and_no_payload_is_left(
    telegram, telegram_case, programme, settings
):
    settings.CORRIDOR_TELEGRAM_ATTEMPTS = 2
    reply(telegram_case, programme)
    telegram.state["fail"] = {"sendMessage": 5}
    for _ in range(3):
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
        run_outbox()
    assert Delivery.objects.get().status == "failed"
    assert outbox_rows() == []


def test_an_instruction_is_refused_for_telegram(telegram, telegram_case, programme):
    """Anything with a point, window or signal never goes to the chat: only the notice."""
    window_end = timezone.now() + timedelta(hours=6)
    message, told = reply(
        telegram_case,
        programme,
        "Point 48.01, 37.80 at 05:00, white cloth",
        operational=True,
        expires_at=window_end,
    )
    with translation.override("en"):
        assert "a message is waiting" in str(told)
    with pytest.raises(delivery.OperationalRefused):
        delivery.queue_reply(telegram_case, message, "anything", actor=programme.users["operator"])
    before = len(telegram.sent())
    run_outbox()
    texts = [s["text"] for s in telegram.sent()[before:]]
    assert texts == [
        "You have a new message. Open the portal with your codename or call the hotline."
    ]
    assert Delivery.objects.get().kind == "notice"


@pytest.mark.parametrize("who", ["finance_officer", "field_liaison", "outsider", None])
def test_staff_who_do_not_hold_the_case_queue_nothing_for_its_chat(
    telegram, telegram_case, programme, who
):
    """The Telegram path checks possession itself (cases.access.holds), so a caller that
    skipped cases.messages cannot reach the chat of a case whose keys he does not hold."""
    actor = programme.users[who] if who else None
    message = case_messages.to_applicant(
        telegram_case, "Plain words", actor=programme.users["operator"]
    )
    for call in (
        lambda: channels.announce(telegram_case, message, "Plain words", actor=actor),
        lambda: delivery.queue_reply(telegram_case, message, "Plain words", actor=actor),
        lambda: delivery.queue_notice(telegram_case, message, actor=actor),
    ):
        with pytest.raises(TransitionRefused):
            call()
    assert not Delivery.objects.exists() and outbox_rows() == []


def test_a_notice_without_a_message_is_only_a_notice(telegram, telegram_case, programme):
    """A caller that does not say what it sends (a later instruction) gets the safe default."""
    channels.announce(telegram_case, actor=programme.users["operator"])
    before = len(telegram.sent())
    run_outbox()
    assert telegram.sent()[before:][0]["text"].startswith("You have a new message.")


def test_staff_see_the_delivery_state_on_the_case_page(telegram, telegram_case, programme):
    reply(telegram_case, programme)
    run_outbox()
    client = programme.staff.client(programme.users["operator"])
    client.cookies["corridor_language"] = "en"
    html = client.get(f"/cases/{telegram_case.number}/").content.decode()
    assert "Telegram deliveries" in html and "Sent" in html
    assert str(CHAT) not in html


def test_after_a_duress_login_nothing_goes_to_the_chat_again(telegram, telegram_case, programme):
    """His phone may be in hostile hands: a reply queued before is dropped, and later replies
    are refused with a message for staff, even after a new codename."""
    from intake import service

    reply(telegram_case, programme)  # queued before the duress login
    service.duress_effects_now(telegram_case)
    before = len(telegram.sent())
    run_outbox()
    assert telegram.sent()[before:] == []
    assert Delivery.objects.get().status == "no_chat"
    telegram_case.refresh_from_db()
    from cases.workflow import clear_duress

    clear_duress(telegram_case, actor=programme.users["case_officer"])
    with pytest.raises(channels.NotAnnounced):
        reply(telegram_case, programme)
    calls = telegram.say("Everything is fine, send me the point")  # whoever holds the phone
    assert telegram.sent(calls)[-1]["text"].startswith("Received.")  # told the same as ever
    assert not telegram_case.messages.filter(direction="in").exists()
