"""A restricted case's family follows the restriction: sealed to the named people and escrow
only, the family page only for them, dates kept to the year."""

from family import relatives
from tests.family.conftest import NAME, relative_values, walk_to
from tests.vault.conftest import private_of, unlocked
from vault import records
from vault import teams as team_keys


def _only_year(moment) -> bool:
    return (moment.month, moment.day, moment.hour, moment.minute, moment.second) == (1, 1, 0, 0, 0)


def test_a_restricted_case_shows_its_family_only_to_named_people(programme, staff, case, officer):
    from cases import restriction

    first = unlocked(programme.users["supervisor"])
    # The approving supervisor holds the planning key too, so the records sealed before are
    # re-sealed to the named officer (vault.records.restrict re-seals what the approver opens).
    teams = [programme.teams["intake"], programme.teams["planning"]]
    second = programme.staff.make("supervisor2", roles=["supervisor"], teams=teams)
    for team in teams:
        team_keys.grant(team, second, actor=first, actor_private=private_of(first))
    before = relatives.add(case, relative_values(), actor=officer)
    assert not _only_year(before.created_at)
    restriction.request_access(case, [officer], actor=first)
    restriction.decide(case, approve=True, actor=unlocked(second), actor_private=private_of(second))
    case.refresh_from_db()
    assert case.restricted
    before.refresh_from_db()
    assert _only_year(before.created_at) and _only_year(before.updated_at)
    officer = unlocked(officer)
    after = relatives.add(case, relative_values(name="Миша"), actor=officer)
    after = walk_to(after, "safe", officer)
    assert _only_year(after.created_at) and _only_year(after.updated_at)
    assert records.can_open(officer, after.record)
    # The supervisor of the planning team is not named: no page, no key.
    assert not records.can_open(first, after.record)
    assert not records.can_open(first, before.record)
    response = staff.client(programme.users["supervisor"]).get(f"/family/cases/{case.number}/")
    assert response.status_code == 404
    html = (
        staff.client(programme.users["case_officer"])
        .get(f"/family/cases/{case.number}/{before.pk}/")
        .content.decode()
    )
    assert NAME in html
