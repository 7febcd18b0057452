"""Keys, not views, keep each role inside its compartments."""

import pytest

from vault import crypto, records
from vault.models import RecordKey, TeamKeySeal
from vault.policy import COMPARTMENTS, CORRESPONDENCE, ESCORT, FAMILY, IDENTITY, PLAN, REWARD

from .conftest import make_case, private_of

EXPECTED = {
    "operator": {IDENTITY, CORRESPONDENCE},
    "case_officer": {IDENTITY, CORRESPONDENCE, PLAN, FAMILY},
    "field_liaison": {ESCORT},
    "finance_officer": {REWARD},
    "supervisor": {IDENTITY, CORRESPONDENCE, PLAN, FAMILY},
    "auditor": set(),
    "admin": set(),
    "outsider": set(),
}


@pytest.fixture
def sealed_case(programme):
    case = make_case(programme.teams["intake"])
    for compartment in COMPARTMENTS:
        unit = programme.teams["field"] if compartment == ESCORT else None
        records.seal(case, compartment, {"canary": compartment}, kind="test", field_unit=unit)
    return case


def _opens_by_keys(user, private: bytes) -> set[str]:
    """Try every sealed key row of the whole database with this user's private key."""
    team_privates = []
    for seal in TeamKeySeal.objects.all():
        try:
            team_privates.append(crypto.unseal(private, bytes(seal.sealed_private)))
        except crypto.DecryptionFailed:
            continue
    opened = set()
    for row in RecordKey.objects.select_related("record"):
        for key in [private, *team_privates]:
            try:
                dek = crypto.unseal(key, bytes(row.sealed_dek))
            except crypto.DecryptionFailed:
                continue
            opened.add(records.decrypt(row.record, dek)["canary"])
    return opened


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_opens_exactly_its_compartments(programme, sealed_case, role):
    user = programme.users[role]
    assert _opens_by_keys(user, private_of(user)) == EXPECTED[role]


@pytest.mark.parametrize("role", list(EXPECTED))
def test_can_open_agrees_with_the_keys(programme, sealed_case, role):
    user = programme.users[role]
    allowed = {r.compartment for r in sealed_case.records.all() if records.can_open(user, r)}
    assert allowed == EXPECTED[role]


def test_every_record_is_also_sealed_to_escrow(sealed_case):
    for record in sealed_case.records.all():
        assert record.keys.filter(kind=RecordKey.Kind.ESCROW).count() == 1


def test_a_user_outside_the_recipients_gets_no_access_not_a_crash(programme, sealed_case):
    finance = programme.users["finance_officer"]
    identity = sealed_case.records.get(compartment=IDENTITY)
    with pytest.raises(records.NoAccess) as error:
        records.data_key(finance, private_of(finance), identity)
    assert str(error.value.message)  # a translated sentence for the page


def test_a_writer_who_cannot_read_can_still_add(programme, sealed_case):
    """The portal and a finance officer can seal into identity; only readers open it."""
    record = records.seal(
        sealed_case,
        IDENTITY,
        {"canary": "later call"},
        kind="call",
        actor=programme.users["finance_officer"],
    )
    assert not records.can_open(programme.users["finance_officer"], record)
    operator = programme.users["operator"]
    dek = records.data_key(operator, private_of(operator), record)
    assert records.decrypt(record, dek) == {"canary": "later call"}


def test_ending_an_escort_task_deletes_every_copy_of_its_key(programme, sealed_case):
    task = sealed_case.records.get(compartment=ESCORT)
    records.end_escort_task(task)
    assert not task.keys.exists()
    task.refresh_from_db()
    assert bytes(task.ciphertext) == b""
    with pytest.raises(records.UnknownCompartment):
        records.end_escort_task(sealed_case.records.get(compartment=IDENTITY))
