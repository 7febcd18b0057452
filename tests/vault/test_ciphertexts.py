"""Ciphertexts are bound to their row and field; any changed byte is detected."""

import string
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vault import crypto, records
from vault.models import Record
from vault.policy import IDENTITY

from .conftest import make_case, private_of


@pytest.fixture
def two_records(programme):
    case = make_case()
    first = records.seal(case, IDENTITY, {"name": "first"}, kind="answers")
    second = records.seal(case, IDENTITY, {"name": "second"}, kind="answers")
    return programme.users["operator"], first, second


def _open(user, record):
    return records.decrypt(record, records.data_key(user, private_of(user), record))


def test_it_detects_a_flipped_byte(two_records):
    user, first, _second = two_records
    data = bytearray(first.ciphertext)
    data[len(data) // 2] ^= 0x01
    Record.objects.filter(pk=first.pk).update(ciphertext=bytes(data))
    first.refresh_from_db()
    with pytest.raises(crypto.DecryptionFailed):
        _open(user, first)


def test_it_detects_a_ciphertext_moved_to_another_row(two_records):
    user, first, second = two_records
    Record.objects.filter(pk=second.pk).update(ciphertext=bytes(first.ciphertext))
    second.refresh_from_db()
    with pytest.raises(crypto.DecryptionFailed):
        _open(user, second)


def test_it_detects_a_row_moved_with_its_keys(two_records):
    """Even with the data key moved along, the associated data (row id) no longer matches."""
    user, first, second = two_records
    dek = records.data_key(user, private_of(user), first)
    second.ciphertext = first.ciphertext
    with pytest.raises(crypto.DecryptionFailed):
        records.decrypt(second, dek)


def test_the_associated_data_names_table_row_and_field():
    key, row = crypto.random_key(), uuid.uuid4()
    sealed = crypto.aead_encrypt(key, b"x", records.associated_data(row, "name"))
    assert crypto.aead_decrypt(key, sealed, records.associated_data(row, "name")) == b"x"
    for other in (
        records.associated_data(row, "phone"),
        records.associated_data(uuid.uuid4(), "name"),
    ):
        with pytest.raises(crypto.DecryptionFailed):
            crypto.aead_decrypt(key, sealed, other)


# Every questionnaire field type: text, choice, yes/no, number, date, phone, location.
values = st.fixed_dictionaries({
    "text": st.text(max_size=300),
    "choice": st.sampled_from(["serviceman", "relative"]),
    "yes_no": st.booleans(),
    "number": st.integers(min_value=-(2**53), max_value=2**53) | st.floats(allow_nan=False,
                                                                           allow_infinity=False),
    "date": st.dates().map(lambda d: d.isoformat()),
    "phone": st.text(alphabet=string.digits + "+ -()", max_size=20),
    "location": st.fixed_dictionaries({"lat": st.floats(-90, 90), "lon": st.floats(-180, 180)}),
    "optional": st.none() | st.text(max_size=10),
})  # fmt: skip


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(answers=values)
def test_every_field_type_round_trips(programme, answers):
    case = make_case()
    record = records.seal(case, IDENTITY, answers, kind="answers")
    assert _open(programme.users["operator"], record) == answers
