"""POW registration: exactly the five Art. 17 items compulsory, the rest optional, no coercion
confirmed by the officer; sealed; feeds the blind indexes; required before "registered"."""

from datetime import date

import pytest
from django.db import IntegrityError

from audit.models import Event
from cases import workflow
from cases.models import Case
from cases.states import TransitionRefused
from reception import custody
from reception.models import Registration
from tests.reception.conftest import registration_values
from tests.vault.conftest import private_of
from vault import blind, records

COMPULSORY = ["surname", "first_names", "rank", "date_of_birth", "service_number"]


def test_exactly_the_five_art17_items_are_compulsory():
    assert list(custody.COMPULSORY) == COMPULSORY
    from reception.forms import RegistrationForm

    form = RegistrationForm()
    required = [n for n, f in form.fields.items() if f.required and n != "no_coercion"]
    assert required == COMPULSORY


@pytest.mark.parametrize("missing", COMPULSORY)
def test_it_refuses_a_registration_without_an_art17_item(programme, officer, received, missing):
    with pytest.raises(custody.Invalid) as invalid:
        custody.register_pow(received, registration_values(**{missing: ""}), actor=officer)
    assert missing in invalid.value.errors
    assert not Registration.objects.filter(case=received).exists()


def test_the_optional_items_may_all_be_left_out(programme, officer, received):
    bare = registration_values(father_first_name="", place_of_birth="", power="")
    registration = custody.register_pow(received, bare, actor=officer)
    values = records.decrypt(
        registration.record,
        records.data_key(officer, private_of(officer), registration.record),
    )
    assert set(values) == {*COMPULSORY, "no_coercion_confirmed_by"}
    assert values["date_of_birth"] == "1994-03-17"
    assert Event.objects.get(action="pow_registered").detail == {"version": 1, "optional_items": 0}


def test_it_refuses_a_registration_without_the_no_coercion_confirmation(
    programme, officer, received
):
    with pytest.raises(custody.Invalid) as invalid:
        custody.register_pow(received, registration_values(no_coercion=False), actor=officer)
    assert "no_coercion" in invalid.value.errors
    with pytest.raises(IntegrityError):  # nor can a row say otherwise
        Registration.objects.create(
            case=received, no_coercion_confirmed=False, registered_by=officer
        )


def test_an_implausible_date_of_birth_is_refused(programme, officer, received):
    with pytest.raises(custody.Invalid) as invalid:
        custody.register_pow(
            received, registration_values(date_of_birth=date(2020, 1, 1)), actor=officer
        )
    assert "date_of_birth" in invalid.value.errors


def test_it_refuses_registering_before_the_registration(programme, officer, received):
    with pytest.raises(TransitionRefused):
        workflow.register(received, actor=officer)
    custody.register_pow(received, registration_values(), actor=officer)
    workflow.register(received, actor=officer)
    received.refresh_from_db()
    assert received.status == Case.Status.REGISTERED


def test_registration_needs_the_custody_record_first(programme, officer, under_way):
    Case.objects.filter(pk=under_way.pk).update(status=Case.Status.RECEIVED)  # field handover
    with pytest.raises(TransitionRefused):
        custody.register_pow(under_way, registration_values(), actor=officer)


def test_the_registration_feeds_the_blind_indexes_across_spellings(programme, officer, received):
    custody.register_pow(received, registration_values(), actor=officer)
    latin = {"name": "Ivan Petrovich Sidorenko", "dob": "1994-03-17"}
    assert received.pk in blind.candidates("name_dob", latin)
    assert received.pk in blind.candidates("service_number", "ab 123456")


def test_a_correction_shreds_the_old_version(programme, officer, received):
    first = custody.register_pow(received, registration_values(), actor=officer)
    old = first.record_id
    second = custody.register_pow(received, registration_values(rank="ефрейтор"), actor=officer)
    assert second.version == 2 and second.record_id != old
    assert not records.Record.objects.filter(pk=old).exists()
    assert Event.objects.filter(action="pow_registration_corrected").count() == 1


@pytest.mark.parametrize("field", ["surname", "first_names", "rank", "service_number"])
@pytest.mark.parametrize("invisible", ["\u200b", "\u200b\u200d", "\u2060", "-", "‮"])
def test_an_invisible_or_empty_looking_art17_item_is_refused(
    programme, officer, received, field, invisible
):
    """Art. 17 by any path: a zero-width space or a lone dash is not a surname, a rank or a
    number, so a registration "with the five items" cannot be saved with one of them blank
    in all but name."""
    with pytest.raises(custody.Invalid) as invalid:
        custody.register_pow(received, registration_values(**{field: invisible}), actor=officer)
    assert field in invalid.value.errors
    assert not Registration.objects.filter(case=received).exists()
