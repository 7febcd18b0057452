"""Capture cards (Art. 70): due seven days after custody and after each later sickness,
hospital admission or transfer; overdue in the queue when late; marked sent."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import Event
from cases import queues
from cases.states import TransitionRefused
from reception import custody
from reception.models import CaptureCard, CustodyEvent
from tests.vault.conftest import unlocked


def _overdue(user, now):
    return set(queues.queue(user, "overdue", now=now).values_list("number", flat=True))


def test_the_capture_card_is_overdue_after_seven_days(programme, officer, received):
    card = received.capture_cards.get()
    taken = received.custody.taken_at
    assert card.due_at == taken + timedelta(days=7)
    for role in ("case_officer", "operator", "supervisor"):
        user = unlocked(programme.users[role])
        assert received.number not in _overdue(user, taken + timedelta(days=6, hours=23))
        assert received.number in _overdue(user, taken + timedelta(days=7, minutes=1))


def test_a_card_marked_sent_leaves_the_queue(programme, officer, received):
    card = received.capture_cards.get()
    late = received.custody.taken_at + timedelta(days=8)
    custody.mark_card_sent(card, actor=officer)
    card.refresh_from_db()
    assert card.sent_at and card.sent_by == officer
    assert received.number not in _overdue(officer, late)
    assert Event.objects.get(action="capture_card_sent").detail == {"reason": "capture"}
    with pytest.raises(TransitionRefused):
        custody.mark_card_sent(card, actor=officer)


@pytest.mark.parametrize("kind", ["sickness", "hospital", "transfer"])
def test_each_later_event_opens_a_new_capture_card_task(programme, officer, registered, kind):
    custody.mark_card_sent(registered.capture_cards.get(), actor=officer)
    when = timezone.now().replace(microsecond=0) - timedelta(hours=1)
    event = custody.record_event(
        registered,
        kind,
        {"occurred_at": when, "place": "госпиталь № 3", "health": "sick", "note": ""},
        actor=officer,
    )
    card = CaptureCard.objects.get(case=registered, sent_at=None)
    assert card.reason == kind and card.event == event and card.due_at == when + timedelta(days=7)
    assert registered.number not in _overdue(officer, when + timedelta(days=6))
    assert registered.number in _overdue(officer, when + timedelta(days=7, seconds=1))
    assert Event.objects.get(action="custody_event").detail == {"kind": kind}
    assert "госпиталь".encode() not in bytes(event.record.ciphertext)


def test_a_transfer_needs_the_new_place_and_a_past_time(programme, officer, registered):
    with pytest.raises(custody.Invalid) as invalid:
        custody.record_event(
            registered,
            "transfer",
            {"occurred_at": timezone.now() + timedelta(days=2), "place": ""},
            actor=officer,
        )
    assert set(invalid.value.errors) == {"occurred_at", "place"}
    assert not CustodyEvent.objects.filter(case=registered).exists()


def test_a_restricted_case_is_not_listed_by_its_year_only_due_date(programme, officer, received):
    from cases.models import Case

    Case.objects.filter(pk=received.pk).update(restricted=True)
    assert received.number not in _overdue(officer, timezone.now() + timedelta(days=30))


def test_a_handover_without_a_custody_record_is_overdue_after_seven_days(programme, under_way):
    """The field unit's "handed over" moves the case to received without a custody record
    (the unit holds no identity key); the capture card's week runs all the same."""
    from cases.models import Case
    from planning.models import EscortTask

    handed = timezone.now() - timedelta(hours=1)
    EscortTask.objects.create(
        case=under_way,
        field_unit=programme.teams["field"],
        plan_version=1,
        status=EscortTask.Status.HANDED_OVER,
        last_report_at=handed,
    )
    Case.objects.filter(pk=under_way.pk).update(status=Case.Status.RECEIVED)
    officer = unlocked(programme.users["case_officer"])
    assert under_way.number not in _overdue(officer, handed + timedelta(days=6))
    assert under_way.number in _overdue(officer, handed + timedelta(days=7, minutes=1))
    custody.record_custody(
        under_way, {**_values(), "taken_at": handed}, actor=officer, now=handed + timedelta(days=8)
    )
    custody.mark_card_sent(under_way.capture_cards.get(), actor=officer)
    assert under_way.number not in _overdue(officer, handed + timedelta(days=8))


def _values():
    from tests.reception.conftest import custody_values

    return custody_values()


def test_a_late_custody_record_with_a_later_time_does_not_push_the_card_back(programme, under_way):
    """Deadline gaming: the field unit handed him over at T; an officer writes the custody
    record six days later giving "now" as the time custody began. The card's week still runs
    from the handover the unit reported, not from the time the officer typed."""
    from cases.models import Case
    from planning.models import EscortTask

    handed = timezone.now().replace(microsecond=0) - timedelta(days=6)
    EscortTask.objects.create(
        case=under_way,
        field_unit=programme.teams["field"],
        plan_version=1,
        status=EscortTask.Status.HANDED_OVER,
        last_report_at=handed,
    )
    Case.objects.filter(pk=under_way.pk).update(status=Case.Status.RECEIVED)
    officer = unlocked(programme.users["case_officer"])
    late = timezone.now().replace(microsecond=0)
    custody.record_custody(under_way, {**_values(), "taken_at": late}, actor=officer, now=late)
    card = under_way.capture_cards.get()
    assert card.due_at == handed + timedelta(days=7)
    assert under_way.number in _overdue(officer, handed + timedelta(days=7, minutes=1))


def test_a_restricted_cards_year_does_not_tell_custody_fell_in_late_december(programme, under_way):
    """A restricted case keeps only years in clear. Custody on 28 December gave a card due in
    January, so a database copy showed custody year N and due year N+1: custody in the last
    week of the year. The card keeps the custody's year, nothing finer."""
    from datetime import datetime

    _restrict(programme, under_way)
    officer = unlocked(programme.users["case_officer"])
    year = timezone.now().year - 1
    taken = datetime(year, 12, 28, 15, 0, tzinfo=timezone.get_current_timezone())
    custody.record_custody(under_way, {**_values(), "taken_at": taken}, actor=officer)
    card = under_way.capture_cards.get()
    local = timezone.localtime
    assert local(card.due_at).year == local(under_way.custody.taken_at).year == year


def test_restricting_later_keeps_the_cards_custody_year_too(programme, under_way):
    """The same for a card written before the case was restricted (reception.restriction)."""
    from datetime import datetime

    officer = unlocked(programme.users["case_officer"])
    year = timezone.now().year - 1
    taken = datetime(year, 12, 29, 9, 0, tzinfo=timezone.get_current_timezone())
    custody.record_custody(under_way, {**_values(), "taken_at": taken}, actor=officer)
    _restrict(programme, under_way)
    card = under_way.capture_cards.get()
    assert timezone.localtime(card.due_at).year == year


def _restrict(programme, case):
    """Restrict ``case`` (intake team) the real way, naming the supervisor and the officer."""
    from cases import restriction
    from cases.models import Case
    from tests.vault.conftest import private_of
    from vault import teams as team_keys

    first = unlocked(programme.users["supervisor"])
    second = programme.staff.make(
        "supervisor2", roles=["supervisor"], teams=[programme.teams["intake"]]
    )
    team_keys.grant(programme.teams["intake"], second, actor=first, actor_private=private_of(first))
    restriction.request_access(case, [first, programme.users["case_officer"]], actor=first)
    restriction.decide(case, approve=True, actor=unlocked(second), actor_private=private_of(second))
    case.refresh_from_db()
    assert case.restricted and Case.objects.get(pk=case.pk).restricted


def test_a_closed_case_leaves_the_overdue_queue(programme, officer, received):
    """A case closed (or withdrawn) with a capture card never marked sent stayed red in
    Overdue for ever, with nothing left to do on it."""
    from cases.models import Case

    late = received.custody.taken_at + timedelta(days=8)
    assert received.number in _overdue(officer, late)
    for status in (Case.Status.CLOSED, Case.Status.WITHDRAWN):
        Case.objects.filter(pk=received.pk).update(status=status)
        assert received.number not in _overdue(officer, late)
