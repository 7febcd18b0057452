from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Team
from cases.models import Case
from tests.vault.conftest import make_case
from vault import teams as team_keys


@pytest.fixture
def planning_case(programme):
    """A case of the intake team in planning (the state a plan is written in)."""
    return make_case(programme.teams["intake"], status=Case.Status.PLANNING, language="ru")


@pytest.fixture
def second_unit(programme, staff):
    """Field unit 2 with its own liaison and key (a relay unit)."""
    team = Team.objects.create(name="Field unit 2", kind=Team.Kind.FIELD_UNIT)
    liaison = staff.make("liaison2", roles=["field_liaison"], teams=[team])
    team_keys.create_first_key(team, holders=[liaison])
    return team


def plan_values(programme, **changes) -> dict:
    """A good drone-escort plan starting tomorrow, as PlanForm.values() gives it."""
    start = timezone.now().replace(microsecond=0) + timedelta(days=1)
    values = {
        "procedure": "drone_escort",
        "lat": 48.595,
        "lon": 37.999,
        "point_description": "разрушенная водонапорная башня у дороги",
        "window_start": start,
        "window_end": start + timedelta(minutes=40),
        "fallback_start": start + timedelta(hours=2),
        "fallback_end": start + timedelta(hours=2, minutes=40),
        "signal": "белая повязка на левой руке",
        "code_word": "Ромашка",
        "route": "",
        "approach": "",
        "persons": 1,
        "crew": None,
        "field_unit": programme.teams["field"],
        "family_first": False,
    }
    values.update(changes)
    return values


def form_data(values: dict) -> dict:
    """The same plan as the POST of the plan page (times in Kyiv time)."""
    from planning import programme as planning_programme

    zone = planning_programme.current().staff_zone()
    data = {}
    for key, value in values.items():
        if key in ("lat", "lon"):
            continue
        if hasattr(value, "astimezone"):
            data[key] = value.astimezone(zone).strftime("%Y-%m-%dT%H:%M")
        elif key == "field_unit":
            data[key] = value.pk
        elif key == "family_first":
            if value:
                data[key] = "on"
        elif value is not None:
            data[key] = value
    data["point"] = f"{values['lat']}, {values['lon']}"
    return data


@pytest.fixture
def applicant(programme):
    """A real portal application (codename, phrase, applicant key), moved on to planning."""
    from intake import service
    from intake.questionnaire import current

    submission = service.submit(
        current(),
        {"who": "serviceman", "name": "Иван Сидоренко", "situation": "front"},
        channel=Case.Channel.PORTAL,
        language="ru",
        with_codename=True,
    )
    case = submission.case
    Case.objects.filter(pk=case.pk).update(status=Case.Status.PLANNING, unverified=False)
    case.refresh_from_db()
    return submission


def unlocked(user):
    """Bind what the user's key opens now to the user object (as a request of his session
    does, vault/possession.py) and return his private key for the domain functions'
    ``actor_private``."""
    from tests.vault.conftest import private_of
    from tests.vault.conftest import unlocked as bind

    bind(user)
    return private_of(user)


def approve_plan(programme, case) -> None:
    """Plan (family first off), instruction drafted by the officer, released by the
    supervisor."""
    from planning import instructions, plans

    officer, supervisor = programme.users["case_officer"], programme.users["supervisor"]
    plans.save_plan(case, plan_values(programme), actor=officer)
    draft = instructions.draft(case, actor=officer, actor_private=unlocked(officer))
    instructions.release(draft, actor=supervisor, actor_private=unlocked(supervisor))


def make_task(programme, case):
    from planning import escort

    officer = programme.users["case_officer"]
    return escort.create_task(case, actor=officer, actor_private=unlocked(officer))


def schedule(programme, case):
    """A case in planning all the way to scheduled, with its escort task."""
    from cases import workflow

    approve_plan(programme, case)
    task = make_task(programme, case)
    workflow.schedule(case, actor=programme.users["case_officer"])
    return task
