"""Restricted cases: compartments sealed only to named users plus escrow; opening is audited."""

import pytest
from django.test import RequestFactory

from audit import log
from audit.models import Event
from vault import records, sessions
from vault.models import RecordKey
from vault.policy import CORRESPONDENCE, ESCORT, IDENTITY, PLAN

from .conftest import make_case, private_of


@pytest.fixture
def restricted(programme):
    case = make_case(programme.teams["planning"])
    for compartment in (IDENTITY, PLAN):
        records.seal(case, compartment, {"c": compartment}, kind="test")
    records.seal(case, ESCORT, {"c": "escort"}, kind="task", field_unit=programme.teams["field"])
    supervisor = programme.users["supervisor"]
    named = [supervisor, programme.users["case_officer"]]
    result = records.restrict(case, named, actor=supervisor, actor_private=private_of(supervisor))
    return case, named, result


def test_only_named_users_and_escrow_keep_keys(programme, restricted):
    case, named, result = restricted
    assert result == {"resealed": 2, "awaiting_escrow": 0}
    for record in case.records.exclude(compartment=ESCORT).exclude(kind="dates"):
        kinds = set(record.keys.values_list("kind", flat=True))
        assert kinds == {RecordKey.Kind.ESCROW, RecordKey.Kind.USER}
        assert set(record.keys.filter(kind="user").values_list("user", flat=True)) == {
            u.pk for u in named
        }
    operator = programme.users["operator"]  # in the intake team, not named
    assert not any(records.can_open(operator, r) for r in case.records.all())


def test_new_records_of_a_restricted_case_go_to_named_users(programme, restricted):
    case, named, _result = restricted
    record = records.seal(case, IDENTITY, {"c": "later"}, kind="note")
    assert not record.keys.filter(kind=RecordKey.Kind.TEAM).exists()
    assert all(records.can_open(u, record) for u in named)
    assert not records.can_open(programme.users["operator"], record)


def test_the_escort_task_still_goes_to_its_field_unit(programme, restricted):
    case, _named, _result = restricted
    task = case.records.get(compartment=ESCORT)
    assert records.can_open(programme.users["field_liaison"], task)


def test_correspondence_stays_readable_by_the_applicant(programme, restricted):
    from vault import codenames, crypto

    case, _named, _result = restricted
    secret = codenames.derive(codenames.parse(codenames.new_codename()).words)
    codenames.register(case, secret)
    record = records.seal(case, CORRESPONDENCE, {"text": "reply"}, kind="message")
    assert records.open_as_applicant(record, secret.private_key) == {"text": "reply"}
    assert crypto.public_of(secret.private_key) == secret.public_key


def test_opening_a_record_writes_an_audit_event(programme, restricted, staff):
    case, named, _result = restricted
    client = staff.client(named[0])
    request = RequestFactory().get("/")
    request.user = named[0]
    request.session = client.session
    request.COOKIES[sessions.COOKIE] = client.cookies[sessions.COOKIE].value
    record = case.records.get(compartment=IDENTITY, kind="test")
    assert records.open(request, record) == {"c": IDENTITY}
    event = Event.objects.filter(action="record_opened").latest("seq")
    assert event.actor == named[0] and event.object_id == case.number
    # An event about a restricted case keeps its year in clear; a named user opens the rest.
    assert event.detail == {} and (event.at.month, event.at.day, event.at.hour) == (1, 1, 0)
    true = log.unseal(event, records.case_audit_private(request, case))
    assert true["detail"] == {"record": str(record.id), "compartment": IDENTITY}
    assert true["at"].year == event.at.year


def test_restricting_seals_the_dates_and_keeps_only_the_year(programme, restricted):
    case, named, _result = restricted
    assert (case.created_at.month, case.created_at.day, case.created_at.hour) == (1, 1, 0)
    dates = case.records.get(kind="dates")
    opened = records.decrypt(dates, records.data_key(named[0], private_of(named[0]), dates))
    assert opened["created_at"][:4] == str(case.created_at.year)


def test_restricted_metadata_is_refused_in_clear(programme, restricted):
    from vault.policy import RESTRICTED_METADATA, metadata_in_clear

    case, _named, _result = restricted
    ordinary = make_case(programme.teams["intake"])
    for field in RESTRICTED_METADATA:
        assert metadata_in_clear(case, field) is False
        assert metadata_in_clear(ordinary, field) is True
    with pytest.raises(ValueError):
        metadata_in_clear(case, "status")


def test_records_and_grants_of_a_restricted_case_show_only_the_year(programme, restricted):
    case, named, _result = restricted
    later = records.seal(case, IDENTITY, {"c": "later"}, kind="note")
    for moment in [
        later.created_at,
        *case.records.values_list("created_at", flat=True),
        *case.grants.values_list("created_at", flat=True),
    ]:
        assert (moment.month, moment.day, moment.hour, moment.minute) == (1, 1, 0, 0)


def test_restricting_twice_keeps_the_true_dates(programme, restricted):
    case, named, _result = restricted
    supervisor = named[0]
    records.restrict(case, named, actor=supervisor, actor_private=private_of(supervisor))
    assert case.records.filter(kind="dates").count() == 1


def test_restricting_at_the_vault_level_coarsens_the_case_rows_too(programme):
    """Whoever calls restrict (not only the two-supervisor flow) leaves no true time behind."""
    from cases import messages

    case = make_case(programme.teams["planning"])
    sent = messages.from_applicant(case, "текст")
    true = sent.created_at
    supervisor = programme.users["supervisor"]
    records.restrict(case, [supervisor], actor=supervisor, actor_private=private_of(supervisor))
    sent.refresh_from_db()
    assert (sent.created_at.month, sent.created_at.day, sent.created_at.hour) == (1, 1, 0)
    dates = case.records.get(kind="dates")
    values = records.decrypt(dates, records.data_key(supervisor, private_of(supervisor), dates))
    assert values["messages"][str(sent.pk)]["created_at"] == true.isoformat()
