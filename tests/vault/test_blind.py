"""Blind indexes: normalisation makes spellings meet; truncation makes matches candidates."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vault import blind
from vault.models import BlindIndex

from .conftest import make_case

SAME_NAME = [
    ("Кузьминов", "Кузьмінов", "Kuzminov", "KUZMINOV", "Кузьмiнов"),  # last: Latin i typed
    ("Григорий Сидоренко", "Григорій Сидоренко", "Hryhorii Sydorenko", "Grigoriy Sidorenko"),
    ("Михаил Петров", "Mikhail Petrov", "Petrov Mikhail", "ПЕТРОВ михаил"),
    ("Дмитрий", "Dmitriy", "Dmitrii", "Dmitry"),
    ("Юлия Щербакова", "Yuliya Shcherbakova", "Юлія Щербакова", "Julija Shcherbakova"),
    ("Евгений", "Yevgeniy", "Евгеній"),
]


@pytest.mark.parametrize("spellings", SAME_NAME, ids=[s[0] for s in SAME_NAME])
def test_cyrillic_and_latin_spellings_give_one_index(db, spellings):
    values = {blind.blind_index("full_name", s) for s in spellings}
    assert len(values) == 1, {s: blind.fold_name(s) for s in spellings}


def test_different_names_differ(db):
    assert blind.blind_index("full_name", "Кузьминов") != blind.blind_index("full_name", "Кузнецов")


@pytest.mark.parametrize(
    "spelling", ["+7 900 123-45-67", "8 (900) 123 45 67", "+79001234567", "7-900-123-45-67"]
)
def test_phones_are_normalised_to_e164(db, spelling):
    assert blind.normalise_phone(spelling) == "+79001234567"
    assert blind.blind_index("phone", spelling) == blind.blind_index("phone", "+79001234567")


def test_service_numbers_lose_separators_and_script(db):
    assert blind.normalise_service_number("АБ-123 456") == blind.normalise_service_number(
        "ab123456"
    )


def test_indexes_use_separate_subkeys(db):
    subkeys = {blind._subkey(name) for name in blind.INDEXES}
    assert len(subkeys) == len(blind.INDEXES)


def test_a_date_of_birth_is_only_indexed_inside_a_compound(db):
    assert "dob" not in blind.INDEXES and "date_of_birth" not in blind.INDEXES
    a = blind.blind_index("name_dob", {"name": "Кузьминов", "dob": "1995-01-02"})
    b = blind.blind_index("name_dob", {"name": "Kuzminov", "dob": "1995-01-02"})
    c = blind.blind_index("name_dob", {"name": "Kuzminov", "dob": "1995-01-03"})
    assert a == b != c


def test_the_bits_follow_the_plan_in_docs_vault_md():
    planned = {"full_name": 22, "name_dob": 28, "phone": 26, "service_number": 26}
    assert {name: index.bits for name, index in blind.INDEXES.items()} == planned


@given(st.text(max_size=60))
def test_values_are_truncated_to_the_planned_bits(value):
    for name in ("full_name", "service_number", "phone"):
        try:
            number = blind.blind_index(name, value)
        except blind.NotIndexable:
            continue
        assert 0 <= number < 2 ** blind.INDEXES[name].bits


def test_bad_input_is_refused_with_a_named_error(db):
    with pytest.raises(blind.NotIndexable):
        blind.blind_index("phone", "call me")
    with pytest.raises(blind.NotIndexable):
        blind.blind_index("full_name", "12345")


def test_candidates_find_the_case_by_another_spelling(db):
    case = make_case()
    blind.store(case, "full_name", "Кузьминов Максим")
    make_case()
    assert blind.candidates("full_name", "Maksim Kuzminov") == [case.pk]
    assert BlindIndex.objects.get().value == blind.blind_index("full_name", "Максим Кузьмінов")
