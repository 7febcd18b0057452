"""Exit plans: sealed in the PLAN compartment, validated field by field, written only by the
planning team, on a case in planning."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from audit.models import Event
from cases.models import Case
from cases.states import TransitionRefused
from planning import plans
from planning.models import Plan
from tests.planning.conftest import form_data, plan_values
from tests.vault.conftest import make_case
from vault.models import Record
from vault.policy import PLAN


def _client(programme, role):
    client = programme.staff.client(programme.users[role])
    client.cookies["corridor_language"] = "en"
    return client


def test_a_plan_is_sealed_to_the_planning_team_only(programme, planning_case):
    plan = plans.save_plan(
        planning_case, plan_values(programme), actor=programme.users["case_officer"]
    )
    record = plan.record
    assert record.compartment == PLAN
    raw = bytes(record.ciphertext)
    for secret in ("Ромашка".encode(), b"48.595", "башня".encode()):
        assert secret not in raw
    # the planning team (and escrow) hold copies; intake and the field unit do not
    team_kinds = set(
        record.keys.exclude(team_key=None).values_list("team_key__team__kind", flat=True)
    )
    assert team_kinds == {"planning"}
    event = Event.objects.get(action="plan_saved")
    assert event.object_id == planning_case.number
    assert event.detail["procedure"] == "drone_escort" and "Ромашка" not in str(event.detail)


def test_a_new_version_destroys_the_old_record(programme, planning_case):
    officer = programme.users["case_officer"]
    first = plans.save_plan(planning_case, plan_values(programme), actor=officer).record_id
    plan = plans.save_plan(planning_case, plan_values(programme, persons=2), actor=officer)
    assert plan.version == 2
    assert not Record.objects.filter(pk=first).exists()
    assert Plan.objects.filter(case=planning_case).count() == 1


@pytest.mark.parametrize("role", ["operator", "field_liaison", "supervisor", "outsider"])
def test_only_a_planner_writes_a_plan(programme, planning_case, role):
    with pytest.raises(TransitionRefused):
        plans.save_plan(planning_case, plan_values(programme), actor=programme.users[role])
    assert not Plan.objects.exists()


def test_a_plan_is_written_only_in_planning(programme):
    case = make_case(programme.teams["intake"], status=Case.Status.VERIFIED)
    with pytest.raises(TransitionRefused):
        plans.save_plan(case, plan_values(programme), actor=programme.users["case_officer"])


def _errors(programme, case, **changes):
    with translation.override("en"):
        return {
            k: str(v) for k, v in plans.validate(case, plan_values(programme, **changes)).items()
        }


def test_a_window_in_the_past_is_refused(programme, planning_case):
    past = timezone.now() - timedelta(hours=1)
    errors = _errors(
        programme, planning_case, window_start=past, window_end=past + timedelta(minutes=30)
    )
    assert set(errors) >= {"window_start"}


def test_a_window_shorter_than_the_drone_flight_time_is_refused(programme, planning_case):
    start = timezone.now() + timedelta(days=1)
    errors = _errors(
        programme, planning_case, window_start=start, window_end=start + timedelta(minutes=10)
    )
    assert "drone flight time (20 minutes)" in errors["window_end"]


def test_a_window_that_ends_before_it_starts_is_refused(programme, planning_case):
    start = timezone.now() + timedelta(days=1)
    errors = _errors(programme, planning_case, window_start=start, window_end=start)
    assert "window_end" in errors


def test_the_fallback_comes_after_the_window(programme, planning_case):
    values = plan_values(programme)
    errors = _errors(
        programme,
        planning_case,
        fallback_start=values["window_start"],
        fallback_end=values["window_end"],
    )
    assert "fallback_start" in errors


def test_an_overlap_with_another_task_of_the_same_unit_is_refused(programme, planning_case):
    officer = programme.users["case_officer"]
    plans.save_plan(planning_case, plan_values(programme), actor=officer)
    other = make_case(programme.teams["intake"], status=Case.Status.PLANNING)
    values = plan_values(programme)
    shifted = {
        "window_start": values["window_start"] + timedelta(minutes=20),
        "window_end": values["window_end"] + timedelta(minutes=20),
        "fallback_start": values["fallback_start"] + timedelta(hours=5),
        "fallback_end": values["fallback_end"] + timedelta(hours=5),
    }
    assert "window_start" in _errors(programme, other, **shifted)
    with pytest.raises(plans.PlanInvalid):
        plans.save_plan(other, plan_values(programme, **shifted), actor=officer)


def test_another_unit_may_work_the_same_window(programme, planning_case, second_unit):
    officer = programme.users["case_officer"]
    plans.save_plan(planning_case, plan_values(programme), actor=officer)
    other = make_case(programme.teams["intake"], status=Case.Status.PLANNING)
    assert _errors(programme, other, field_unit=second_unit) == {}


def test_a_closed_case_no_longer_binds_its_unit(programme, planning_case):
    officer = programme.users["case_officer"]
    plans.save_plan(planning_case, plan_values(programme), actor=officer)
    Case.objects.filter(pk=planning_case.pk).update(status=Case.Status.FAILED)
    other = make_case(programme.teams["intake"], status=Case.Status.PLANNING)
    assert _errors(programme, other) == {}


def test_the_procedure_names_the_fields_it_needs(programme, planning_case):
    errors = _errors(programme, planning_case, signal="", code_word=" ", lat=None, lon=None)
    assert {"signal", "code_word", "point"} <= set(errors)
    errors = _errors(programme, planning_case, procedure="equipment_vehicle")
    assert {"route", "approach", "crew"} <= set(errors)
    assert _errors(programme, planning_case, procedure="nonsense") == {
        "procedure": "Choose a procedure."
    }


def test_a_non_field_unit_is_refused(programme, planning_case):
    errors = _errors(programme, planning_case, field_unit=programme.teams["intake"])
    assert "field_unit" in errors


def test_a_restricted_case_keeps_its_windows_sealed_only(programme, planning_case):
    from tests.planning.conftest import unlocked
    from vault import records

    supervisor = programme.users["supervisor"]
    named = [programme.users["case_officer"], supervisor]
    records.restrict(planning_case, named, actor=supervisor, actor_private=unlocked(supervisor))
    planning_case.refresh_from_db()
    plan = plans.save_plan(
        planning_case, plan_values(programme), actor=programme.users["case_officer"]
    )
    assert plan.window_start is None and plan.fallback_end is None


# --- the page ---------------------------------------------------------------------------


def test_the_page_saves_and_shows_the_plan_in_both_forms(programme, planning_case):
    client = _client(programme, "case_officer")
    url = f"/planning/cases/{planning_case.number}/plan/"
    assert client.get(url).status_code == 200
    response = client.post(url, form_data(plan_values(programme)))
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert "37U DP 26193 82919" in html and "48.59500, 37.99900" in html
    # staff read Kyiv time; the Russian-speaking applicant reads Moscow time, in Russian
    assert "Kyiv time" in html and "по московскому времени" in html
    assert "Ромашка" in html
    assert Event.objects.filter(action="record_opened", detail__compartment=PLAN).exists()


def test_an_mgrs_point_is_accepted_on_the_page(programme, planning_case):
    client = _client(programme, "case_officer")
    data = form_data(plan_values(programme))
    data["point"] = "37U DP 26193 82919"
    url = f"/planning/cases/{planning_case.number}/plan/"
    assert client.post(url, data).status_code == 302
    assert Plan.objects.get(case=planning_case).version == 1


def test_bad_input_names_the_field_and_loses_nothing(programme, planning_case):
    client = _client(programme, "case_officer")
    data = form_data(plan_values(programme))
    data["point"] = "near the old bridge"
    data["window_end"] = data["window_start"]
    response = client.post(f"/planning/cases/{planning_case.number}/plan/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Give the point as decimal degrees" in html
    assert "near the old bridge" in html and "Ромашка" in html  # what was typed is kept
    assert not Plan.objects.exists()


@pytest.mark.parametrize("role", ["operator", "field_liaison", "finance_officer", "outsider"])
def test_other_roles_get_not_found(programme, planning_case, role):
    response = _client(programme, role).get(f"/planning/cases/{planning_case.number}/plan/")
    assert response.status_code == 404


def test_a_case_outside_the_planners_teams_is_not_found(programme):
    from accounts.models import Team

    other_team = Team.objects.create(name="Intake 2", kind=Team.Kind.INTAKE)
    case = make_case(other_team, status=Case.Status.PLANNING)
    response = _client(programme, "case_officer").get(f"/planning/cases/{case.number}/plan/")
    assert response.status_code == 404


def test_the_page_refuses_other_methods(programme, planning_case):
    response = _client(programme, "case_officer").put(
        f"/planning/cases/{planning_case.number}/plan/"
    )
    assert response.status_code == 405
