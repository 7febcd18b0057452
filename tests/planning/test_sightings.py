"""A field liaison reports a soldier signalling surrender: a field case lands in the planning
team's queue; the liaison can write it but read nothing back."""

import pytest

from audit.models import Event
from cases import queues
from cases.models import Case
from planning import sightings
from tests.planning.conftest import unlocked
from vault import records


def _client(programme, role):
    client = programme.staff.client(programme.users[role])
    client.cookies["corridor_language"] = "en"
    return client


def test_a_sighting_opens_a_field_case_for_the_planning_team(programme):
    client = _client(programme, "field_liaison")
    response = client.post(
        "/planning/field/sighting/",
        {"position": "37U DP 26193 82919", "persons": "2", "note": "белая тряпка на палке"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Sighting reported" in html
    case = Case.objects.get()
    assert case.channel == Case.Channel.FIELD and case.status == Case.Status.NEW
    assert case.team == programme.teams["planning"]
    assert case.number not in html  # the liaison never learns the case number
    officer = programme.users["case_officer"]
    assert case in queues.queue(officer, "new")
    record = case.records.get(kind="sighting")
    values = records.decrypt(record, records.data_key(officer, unlocked(officer), record))
    assert values["sighting_persons"] == 2
    assert values["sighting_position"].startswith("37U DP 26193 82919")
    liaison = programme.users["field_liaison"]
    with pytest.raises(records.NoAccess):
        records.data_key(liaison, unlocked(liaison), record)
    assert Event.objects.filter(action="sighting_reported", object_id=case.number).exists()
    opened = Event.objects.get(action="case_opened", object_id=case.number)
    assert opened.actor == liaison and opened.detail["channel"] == "field"


def test_a_bad_position_is_named_and_nothing_is_opened(programme):
    client = _client(programme, "field_liaison")
    response = client.post(
        "/planning/field/sighting/", {"position": "by the river", "persons": "1", "note": "x"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Give the point as decimal degrees" in html
    assert "by the river" in html
    assert not Case.objects.exists()


def test_a_position_is_optional(programme):
    case = sightings.report_sighting(
        actor=programme.users["field_liaison"], position=None, persons=1, note=""
    )
    assert case.channel == Case.Channel.FIELD


@pytest.mark.parametrize("role", ["case_officer", "operator", "supervisor", "outsider"])
def test_only_field_liaisons_report_sightings(programme, role):
    assert _client(programme, role).get("/planning/field/sighting/").status_code == 404
    with pytest.raises(sightings.SightingRefused):
        sightings.report_sighting(actor=programme.users[role], position=None, persons=1, note="")
