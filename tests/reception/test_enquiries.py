"""Relatives' enquiries: the requester and the sought person sealed on the relative's own
case, matched by blind index against registered prisoners, confirmed with the staff member's
keys; no existence oracle; the answer a status only, written by staff, audited."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.models import Team
from audit.models import Event
from cases.models import Case
from cases.states import TransitionRefused
from reception import custody, enquiries
from reception.models import Enquiry
from tests.reception.conftest import custody_values, registration_values
from tests.vault.conftest import make_case, private_of, unlocked
from vault import records
from vault import teams as team_keys
from vault.policy import IDENTITY


def _opener(user):
    def opener(record):
        return records.decrypt(record, records.data_key(user, private_of(user), record))

    return opener


SOUGHT = {
    "requester_name": "Мария Сидоренко",
    "relation": "мать",
    "requester_contact": "+7 900 000 00 00",
    "surname": "Sidorenko",
    "first_names": "Ivan Petrovich",
    "date_of_birth": date(1994, 3, 17),
    "service_number": "",
    "marks": "шрам на левой руке",
}


@pytest.fixture
def operator(programme):
    return unlocked(programme.users["operator"])


@pytest.fixture
def relative(programme):
    """The mother's own call: a hotline case of the intake team."""
    return make_case(programme.teams["intake"], channel=Case.Channel.HOTLINE)


def _elsewhere(programme, staff):
    """A registered prisoner in a team the operator does not hold."""
    other = Team.objects.create(name="Intake B", kind=Team.Kind.INTAKE)
    officer = staff.make("officer_b", roles=["case_officer"], teams=[other])
    team_keys.create_first_key(other, holders=[officer])
    officer = unlocked(officer)
    case = make_case(other, status=Case.Status.IN_PROGRESS)
    custody.record_custody(case, custody_values(), actor=officer)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.RECEIVED)
    custody.register_pow(case, registration_values(), actor=officer)
    return case


def test_an_enquiry_is_sealed_and_finds_the_registered_prisoner_across_spellings(
    programme, operator, relative, registered
):
    enquiry = enquiries.record_enquiry(relative, SOUGHT, actor=operator)
    assert enquiry.record.compartment == IDENTITY and enquiry.record.case == relative
    assert "Мария".encode() not in bytes(enquiry.record.ciphertext)
    assert Event.objects.get(action="enquiry_recorded").detail == {}
    sought = _opener(operator)(enquiry.record)
    found = enquiries.matches(operator, _opener(operator), sought)
    assert found.confirmed == [(registered, "registered")] and not found.elsewhere


def test_the_service_number_alone_matches(programme, operator, relative, registered):
    sought = {**SOUGHT, "date_of_birth": None, "service_number": "ab123456", "surname": "X"}
    enquiry = enquiries.record_enquiry(relative, sought, actor=operator)
    values = _opener(operator)(enquiry.record)
    found = enquiries.matches(operator, _opener(operator), values)
    assert [c for c, _s in found.confirmed] == [registered]


def test_a_different_date_of_birth_is_no_match(programme, operator, relative, registered):
    values = {**SOUGHT, "date_of_birth": "1994-03-18"}
    found = enquiries.matches(operator, _opener(operator), values)
    assert found.confirmed == [] and not found.elsewhere


def test_a_match_outside_his_teams_is_only_ask_a_supervisor(programme, staff, operator, relative):
    elsewhere = _elsewhere(programme, staff)
    values = {**SOUGHT, "date_of_birth": "1994-03-17"}
    found = enquiries.matches(operator, _opener(operator), values)
    assert found.confirmed == [] and found.elsewhere
    # A restricted prisoner he does not hold does not even light that up.
    Case.objects.filter(pk=elsewhere.pk).update(restricted=True)
    found = enquiries.matches(operator, _opener(operator), values)
    assert found.confirmed == [] and not found.elsewhere


def test_the_page_shows_no_number_of_a_case_outside_his_teams(programme, staff, relative):
    elsewhere = _elsewhere(programme, staff)
    operator = unlocked(programme.users["operator"])
    enquiry = enquiries.record_enquiry(relative, SOUGHT, actor=operator)
    client = programme.staff.client(operator)
    client.cookies["corridor_language"] = "en"
    page = client.get(f"/reception/enquiries/{relative.number}/{enquiry.pk}/").content.decode()
    assert "Possible match outside your teams: ask a supervisor." in page
    assert elsewhere.number not in page
    Case.objects.filter(pk=elsewhere.pk).update(restricted=True)
    page = client.get(f"/reception/enquiries/{relative.number}/{enquiry.pk}/").content.decode()
    assert "Possible match outside your teams" not in page and elsewhere.number not in page


def test_registered_is_answered_only_with_a_confirmed_match(programme, staff, operator, relative):
    _elsewhere(programme, staff)  # matches, but outside his teams
    enquiry = enquiries.record_enquiry(relative, SOUGHT, actor=operator)
    with pytest.raises(TransitionRefused):
        enquiries.answer_enquiry(enquiry, "registered", actor=operator, opener=_opener(operator))
    enquiries.answer_enquiry(enquiry, "no_record", actor=operator, opener=_opener(operator))
    enquiry.refresh_from_db()
    assert enquiry.answer == "no_record" and enquiry.answered_by == operator
    assert Event.objects.get(action="enquiry_answered").detail == {"answer": "no_record"}


def test_a_transfer_makes_the_answer_transferred(
    programme, officer, operator, relative, registered
):
    custody.record_event(
        registered,
        "transfer",
        {"occurred_at": timezone.now() - timedelta(hours=1), "place": "лагерь № 2"},
        actor=officer,
    )
    enquiry = enquiries.record_enquiry(relative, SOUGHT, actor=operator)
    with pytest.raises(TransitionRefused):
        enquiries.answer_enquiry(enquiry, "registered", actor=operator, opener=_opener(operator))
    enquiries.answer_enquiry(enquiry, "transferred", actor=operator, opener=_opener(operator))
    assert Enquiry.objects.get(pk=enquiry.pk).answer == "transferred"


def test_an_enquiry_needs_a_date_of_birth_or_a_service_number(programme, operator, relative):
    with pytest.raises(custody.Invalid) as invalid:
        enquiries.record_enquiry(
            relative, {**SOUGHT, "date_of_birth": None, "service_number": " "}, actor=operator
        )
    assert "date_of_birth" in invalid.value.errors


@pytest.mark.parametrize("role", ["field_liaison", "finance_officer", "outsider"])
def test_only_hotline_staff_holding_the_case_record_enquiries(programme, relative, role):
    with pytest.raises(TransitionRefused):
        enquiries.record_enquiry(relative, SOUGHT, actor=unlocked(programme.users[role]))


def test_the_enquiry_page_records_and_answers(programme, operator, relative, registered):
    client = programme.staff.client(operator)
    client.cookies["corridor_language"] = "en"
    url = f"/reception/enquiries/{relative.number}/"
    response = client.post(url, {"requester_name": "Мария", "relation": "мать"})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    response = client.post(
        url,
        {"requester_name": "Мария", "relation": "мать", "surname": "Сидоренко",
         "first_names": "Иван Петрович", "date_of_birth": "1994-03-17"},
    )  # fmt: skip
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert registered.number in page and "Registered as a prisoner of war" in page
    client.post(response["Location"], {"answer": "registered"})
    assert Enquiry.objects.get().answer == "registered"


def test_a_named_officer_cannot_confirm_a_restricted_prisoner_to_a_caller(
    programme, officer, relative, registered
):
    """Secrecy of the transfer was promised for a restricted case: a case officer named on it
    (who may also take hotline calls) must not confirm "registered" to whoever calls as his
    mother on his own; that answer is a supervisor's decision, enforced in the domain layer,
    not only by the page's warning. "No record" stays possible."""
    from cases import restriction

    first = unlocked(programme.users["supervisor"])
    second = programme.staff.make(
        "supervisor2", roles=["supervisor"], teams=[programme.teams["intake"]]
    )
    team_keys.grant(programme.teams["intake"], second, actor=first, actor_private=private_of(first))
    restriction.request_access(registered, [first, officer], actor=first)
    restriction.decide(
        registered, approve=True, actor=unlocked(second), actor_private=private_of(second)
    )
    registered.refresh_from_db()
    assert registered.restricted
    officer = unlocked(programme.users["case_officer"])
    assert records.can_open(officer, registered.pow_registration.record)
    enquiry = enquiries.record_enquiry(relative, SOUGHT, actor=officer)
    found = enquiries.matches(officer, _opener(officer), _opener(officer)(enquiry.record))
    assert [c for c, _s in found.confirmed] == [registered]  # he holds and confirms it
    with pytest.raises(TransitionRefused):
        enquiries.answer_enquiry(enquiry, "registered", actor=officer, opener=_opener(officer))
    assert Enquiry.objects.get(pk=enquiry.pk).answer == ""
    assert not Event.objects.filter(action="enquiry_answered").exists()
    supervisor = unlocked(programme.users["supervisor"])  # named on it
    enquiries.answer_enquiry(enquiry, "registered", actor=supervisor, opener=_opener(supervisor))
    assert Enquiry.objects.get(pk=enquiry.pk).answer == "registered"


@pytest.mark.parametrize("role", ["operator", "supervisor"])
@pytest.mark.parametrize("on", ["relative's case", "prisoner's own case"])
@pytest.mark.parametrize(
    "typed",
    [
        {"surname": "Сидоренко", "first_names": "Иван Петрович", "date_of_birth": "1994-03-17"},
        {"surname": "Sidorenko", "first_names": "X", "service_number": "АБ-123456"},
    ],
    ids=["name_and_date_of_birth", "service_number"],
)
def test_staff_see_a_registered_prisoner_of_their_own_team_on_the_page(
    programme, role, on, typed, relative, registered
):
    """The product trial: an operator or a supervisor holding the prisoner's case types him
    exactly as registered and must see him, through the pages. The case page links the
    enquiries of every case, so the enquiry may sit on the prisoner's own case (his mother
    rang about him): it must still find him, not leave him out as "the enquirer's case"."""
    where = relative if on == "relative's case" else registered
    client = programme.staff.client(programme.users[role])
    client.cookies["corridor_language"] = "en"
    url = f"/reception/enquiries/{where.number}/"
    response = client.post(url, {"requester_name": "Мария", "relation": "мать", **typed})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert f">{registered.number}</a> · Registered as a prisoner of war" in page
    assert "No registered prisoner among your cases matches" not in page
    client.post(response["Location"], {"answer": "registered"})
    assert Enquiry.objects.get().answer == "registered"


def test_a_candidate_his_keys_do_not_open_is_ask_a_supervisor_not_no_match(
    programme, operator, relative, registered
):
    """He holds the case but no key row of its registration reaches him (a record sealed
    before a key change, say): the page must not say plainly that nothing matches, or he
    answers "no record" wrongly. It names no case and counts nothing."""
    from vault.models import RecordKey

    RecordKey.objects.filter(
        record=registered.pow_registration.record, kind=RecordKey.Kind.TEAM
    ).delete()
    enquiry = enquiries.record_enquiry(relative, SOUGHT, actor=operator)
    found = enquiries.matches(operator, _opener(operator), _opener(operator)(enquiry.record))
    assert found.confirmed == [] and found.unopened and not found.elsewhere
    client = programme.staff.client(operator)
    client.cookies["corridor_language"] = "en"
    page = client.get(f"/reception/enquiries/{relative.number}/{enquiry.pk}/").content.decode()
    assert "Possible match that your keys do not open: ask a supervisor." in page
    assert registered.number not in page
    with pytest.raises(TransitionRefused):
        enquiries.answer_enquiry(enquiry, "registered", actor=operator, opener=_opener(operator))


def test_a_restricted_candidate_he_does_not_hold_stays_silent_even_unopened(
    programme, staff, operator, relative
):
    elsewhere = _elsewhere(programme, staff)
    Case.objects.filter(pk=elsewhere.pk).update(restricted=True)
    found = enquiries.matches(
        operator, _opener(operator), {**SOUGHT, "date_of_birth": "1994-03-17"}
    )
    assert found == enquiries.Matches()


@pytest.mark.parametrize(
    ("registered_as", "typed", "match"),
    [
        (("Сидоренко", "Иван Петрович"), ("Сидоренко", "Иван Петрович"), True),
        (("Сидоренко", "Иван Петрович"), ("Сидоренко", "Иван"), True),  # no patronymic typed
        (("Сидоренко", "Иван"), ("Сидоренко", "Иван Петрович"), True),  # none registered
        (("Сидоренко", "Иван Петрович"), ("SIDORENKO", "Ivan Petrovich"), True),
        (("Сидоренко", "Иван Петрович"), ("сидоренко", "иван"), True),
        (("Сидоренко", "Иван Петрович"), ("Иван", "Сидоренко"), True),  # fields swapped
        (("Сидоренко", "Иван Петрович"), ("Сидоренко", "Петрович Иван"), True),
        (("Сидоренко", "Пётр Семёнович"), ("Сидоренко", "Петр Семенович"), True),  # ё/е
        (("Сидоренко", "Пётр"), ("Sidorenko", "Pyotr Semyonovich"), True),
        (("Сидоренко", "Иван Петрович"), ("Сидоренко", "Иван Павлович"), False),
        (("Сидоренко", "Иван Петрович"), ("Сидоренко", "Пётр Иванович"), False),
        (("Сидоренко", "Иван Петрович"), ("Сидоров", "Иван Петрович"), False),
    ],
)
def test_the_name_matches_as_the_registration_indexed_it(
    programme, officer, operator, relative, received, registered_as, typed, match
):
    """Registration and enquiry fold the name the same way (vault/blind.py): order, case,
    ё/е, Cyrillic or Latin; a patronymic given on one side only still matches, a different
    one does not."""
    surname, first_names = registered_as
    custody.register_pow(
        received,
        registration_values(surname=surname, first_names=first_names),
        actor=officer,
    )
    sought = {**SOUGHT, "surname": typed[0], "first_names": typed[1]}
    sought["date_of_birth"] = "1994-03-17"
    found = enquiries.matches(operator, _opener(operator), sought)
    assert [c for c, _s in found.confirmed] == ([received] if match else [])
    assert not found.unopened and not found.elsewhere
