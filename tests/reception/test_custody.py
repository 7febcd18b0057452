"""Custody record: sealed, required before "received", refused to those who may not write it."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from audit.models import Event
from cases import workflow
from cases.models import Case
from cases.states import TransitionRefused
from reception import custody
from reception.models import CaptureCard, Custody
from tests.reception.conftest import custody_values
from tests.vault.conftest import make_case, private_of, unlocked
from vault import records
from vault.policy import IDENTITY


def test_it_refuses_receiving_before_the_custody_record(programme, officer, under_way):
    with pytest.raises(TransitionRefused) as refused, translation.override("en"):
        workflow.receive(under_way, actor=officer)
    assert refused.value.message == "Record the custody first (reception page)."
    under_way.refresh_from_db()
    assert under_way.status == Case.Status.IN_PROGRESS

    custody.record_custody(under_way, custody_values(), actor=officer)
    workflow.receive(under_way, actor=officer)
    under_way.refresh_from_db()
    assert under_way.status == Case.Status.RECEIVED


def test_the_custody_record_is_sealed_and_audited_without_personal_data(
    programme, officer, under_way
):
    held = custody.record_custody(under_way, custody_values(), actor=officer)
    record = held.record
    assert record.compartment == IDENTITY and record.kind == "custody"
    assert "водонапір".encode() not in bytes(record.ciphertext)
    values = records.decrypt(record, records.data_key(officer, private_of(officer), record))
    assert values["place"].startswith("позиція") and values["property"] == [
        "мобільний телефон",
        "ніж",
    ]
    assert values["receipt_number"] == "R-0042" and values["health"] == "slightly_wounded"
    event = Event.objects.get(action="custody_recorded")
    assert event.object_id == under_way.number and event.detail == {"property_items": 2}
    # The first capture card is due seven days after custody (Art. 70).
    card = CaptureCard.objects.get(case=under_way)
    assert card.reason == "capture" and card.due_at == held.taken_at + timedelta(days=7)


@pytest.mark.parametrize("role", ["field_liaison", "finance_officer"])
def test_field_and_finance_keys_do_not_open_the_custody_record(programme, officer, under_way, role):
    held = custody.record_custody(under_way, custody_values(), actor=officer)
    user = unlocked(programme.users[role])
    with pytest.raises(records.NoAccess):
        records.data_key(user, private_of(user), held.record)


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"taken_at": timezone.now() + timedelta(days=1)}, "taken_at"),
        ({"place": " "}, "place"),
        ({"receiving_unit": ""}, "receiving_unit"),
        ({"health": "fine"}, "health"),
        ({"receipt_number": ""}, "receipt_number"),  # property taken without a receipt
    ],
)
def test_bad_custody_values_are_refused_by_field(programme, officer, under_way, changes, field):
    with pytest.raises(custody.Invalid) as invalid:
        custody.record_custody(under_way, custody_values(**changes), actor=officer)
    assert field in invalid.value.errors
    assert not Custody.objects.filter(case=under_way).exists()


def test_no_property_needs_no_receipt(programme, officer, under_way):
    custody.record_custody(under_way, custody_values(property="", receipt_number=""), actor=officer)
    assert Custody.objects.filter(case=under_way).exists()


@pytest.mark.parametrize("role", ["operator", "supervisor", "field_liaison", "outsider"])
def test_only_case_officers_record_custody(programme, under_way, role):
    user = unlocked(programme.users[role])
    with pytest.raises(TransitionRefused):
        custody.record_custody(under_way, custody_values(), actor=user)


def test_an_officer_whose_keys_do_not_hold_the_case_is_refused(programme, staff, under_way):
    stranger = unlocked(
        staff.make("officer2", roles=["case_officer"], teams=[programme.teams["intake"]])
    )
    with pytest.raises(TransitionRefused) as refused:
        custody.record_custody(under_way, custody_values(), actor=stranger)
    assert refused.value.message == workflow.NO_KEYS


def test_custody_is_recorded_once_and_only_under_way_or_received(programme, officer, under_way):
    custody.record_custody(under_way, custody_values(), actor=officer)
    with pytest.raises(TransitionRefused):
        custody.record_custody(under_way, custody_values(), actor=officer)
    planning = make_case(programme.teams["intake"], status=Case.Status.PLANNING)
    with pytest.raises(TransitionRefused):
        custody.record_custody(planning, custody_values(), actor=officer)
