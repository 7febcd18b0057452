"""Who sees a case's family: keys, not rows. A holder of the case without a FAMILY key
(operator), a field liaison, a finance officer, an auditor, an admin and an outsider get "not
found"; a supervisor of the planning team reads but does not change."""

import pytest

from family import relatives
from family.models import Relative
from tests.family.conftest import NAME, relative_values

ROLES = ("operator", "field_liaison", "finance_officer", "auditor", "admin", "outsider")


@pytest.fixture
def listed(case, officer):
    return relatives.add(case, relative_values(), actor=officer)


@pytest.mark.parametrize("role", ROLES)
def test_it_hides_the_family_from_those_without_family_keys(programme, staff, case, listed, role):
    client = staff.client(programme.users[role])
    pages = [
        f"/family/cases/{case.number}/",
        f"/family/cases/{case.number}/{listed.pk}/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 404, (role, url)
        assert NAME not in response.content.decode()
        posted = client.post(url, {**relative_values(name="Чужой"), "action": "edit"})
        assert posted.status_code == 404
    listed.refresh_from_db()
    assert listed.version == 1 and Relative.objects.count() == 1
    # The case page offers no family link either.
    html = client.get(f"/cases/{case.number}/").content.decode()
    assert "/family/" not in html


def test_a_supervisor_reads_the_family_but_does_not_change_it(programme, staff, case, listed):
    client = staff.client(programme.users["supervisor"])
    client.cookies["corridor_language"] = "en"
    html = client.get(f"/family/cases/{case.number}/{listed.pk}/").content.decode()
    assert NAME in html and 'name="action" value="step"' not in html
    response = client.post(
        f"/family/cases/{case.number}/{listed.pk}/", {"action": "step", "step": "contact"}
    )
    assert response.status_code == 200
    assert "Relatives are managed by the planning team." in response.content.decode()
    listed.refresh_from_db()
    assert listed.status == "identified"


def test_a_planner_without_the_case_in_his_scope_gets_not_found(programme, staff, listed):
    from accounts.models import Team
    from tests.vault.conftest import make_case
    from vault import teams as team_keys

    other_team = Team.objects.create(name="Intake 2", kind=Team.Kind.INTAKE)
    stranger = programme.staff.make("intake2op", roles=["operator"], teams=[other_team])
    team_keys.create_first_key(other_team, holders=[stranger])
    foreign = make_case(other_team)
    client = staff.client(programme.users["case_officer"])
    assert client.get(f"/family/cases/{foreign.number}/").status_code == 404
    # A relative id of another case under this case's number is not found either.
    own = make_case(programme.teams["intake"])
    assert client.get(f"/family/cases/{own.number}/{listed.pk}/").status_code == 404


def test_keys_decide_even_if_the_view_were_skipped(programme, case, listed):
    """The FAMILY record is sealed to the planning team and escrow only: an operator's or a
    finance officer's keys open nothing of it."""
    from vault import records

    for role in ("operator", "finance_officer", "field_liaison"):
        assert not records.can_open(programme.users[role], listed.record)
    assert records.can_open(programme.users["case_officer"], listed.record)
    assert not relatives.can_view(programme.users["operator"], case)
