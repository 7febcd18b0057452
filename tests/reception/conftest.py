from datetime import date, timedelta

import pytest
from django.utils import timezone

from cases.models import Case
from reception import custody
from tests.vault.conftest import make_case, unlocked
from vault import records
from vault.policy import IDENTITY


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test's sealed files in its own folder, never the checkout's var/."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def custody_values(**changes) -> dict:
    values = {
        "taken_at": timezone.now().replace(microsecond=0) - timedelta(hours=2),
        "place": "позиція біля водонапірної вежі",
        "receiving_unit": "92 ОМБр",
        "health": "slightly_wounded",
        "medical_note": "поранення ноги, перев'язано",
        "property": "мобільний телефон\nніж",
        "receipt_number": "R-0042",
    }
    values.update(changes)
    return values


def registration_values(**changes) -> dict:
    values = {
        "surname": "Сидоренко",
        "first_names": "Иван Петрович",
        "rank": "рядовой",
        "date_of_birth": date(1994, 3, 17),
        "service_number": "АБ-123456",
        "father_first_name": "Пётр",
        "mother_maiden_name": "",
        "place_of_birth": "Псков",
        "power": "Российская Федерация",
        "unit": "",
        "next_of_kin": "",
        "mail_address": "",
        "health_note": "",
        "no_coercion": True,
    }
    values.update(changes)
    return values


@pytest.fixture
def officer(programme):
    return unlocked(programme.users["case_officer"])


@pytest.fixture
def under_way(programme):
    """A case of the intake team whose exit is under way, with its questionnaire answers."""
    case = make_case(programme.teams["intake"], status=Case.Status.IN_PROGRESS, language="ru")
    records.seal(case, IDENTITY, {"name": "Иван Сидоренко"}, kind="answers")
    return case


@pytest.fixture
def received(programme, officer, under_way):
    """Custody recorded and the case moved to received."""
    from cases import workflow

    custody.record_custody(under_way, custody_values(), actor=officer)
    workflow.receive(under_way, actor=officer)
    under_way.refresh_from_db()
    return under_way


@pytest.fixture
def registered(programme, officer, received):
    from cases import workflow

    custody.register_pow(received, registration_values(), actor=officer)
    workflow.register(received, actor=officer)
    received.refresh_from_db()
    return received
