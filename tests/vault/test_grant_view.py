"""Completing a pending grant from the dashboard, with the holder's unlocked session."""

from tests.vault.conftest import make_case
from vault import records, teams
from vault.policy import IDENTITY


def test_a_holder_grants_a_new_member_from_the_dashboard(programme):
    intake = programme.teams["intake"]
    record = records.seal(make_case(intake), IDENTITY, {"n": 1}, kind="answers")
    newcomer = programme.staff.make("newcomer", roles=["operator"], teams=[intake])
    holder = programme.staff.client(programme.users["supervisor"])
    holder.cookies["corridor_language"] = "en"
    assert "newcomer" in holder.get("/").content.decode()
    url = f"/keys/grant/{intake.pk}/{newcomer.pk}/"
    assert holder.get(url).status_code == 405
    response = holder.post(url)
    assert response.status_code == 302
    assert newcomer not in teams.pending_members(intake)
    assert records.can_open(newcomer, record)


def test_someone_without_the_team_key_cannot_grant(programme):
    intake = programme.teams["intake"]
    teams.active_key(intake)
    newcomer = programme.staff.make("newcomer", roles=["operator"], teams=[intake])
    finance = programme.staff.client(programme.users["finance_officer"])
    assert finance.post(f"/keys/grant/{intake.pk}/{newcomer.pk}/").status_code == 404
    assert newcomer in teams.pending_members(intake)
