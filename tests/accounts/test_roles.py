"""The role table: each role's group holds exactly the capabilities the programme intends."""

import pytest
from django.contrib.auth.models import Group

from accounts.roles import CAPABILITIES, ROLE_CAPABILITIES, Role

# Written out again, independently of accounts/roles.py, so that a change there must be a
# deliberate change here too. Columns: op, officer, field, finance, supervisor, auditor, admin.
EXPECTED = {
    "record_intake":           "X X . . X . .",
    "view_team_cases":         "X X . . X . .",
    "screen_cases":            ". X . . X . .",
    "plan_exits":              ". X . . . . .",
    "approve_instructions":    ". . . . X . .",
    "assign_cases":            ". . . . X . .",
    "grant_restricted_access": ". . . . X . .",
    "triage_portal":           ". . . . X . .",
    "manage_watchlist":        ". . . . X . .",
    "run_escort_tasks":        ". . X . . . .",
    "report_sightings":        ". . X . . . .",
    "assess_rewards":          ". . . X . . .",
    "record_payouts":          ". . . X . . .",
    "approve_rewards":         ". . . X X . .",
    "view_reports":            ". . . . X . .",
    "view_audit_log":          ". . . . . X .",
    "manage_staff":            ". . . . . . X",
    "manage_teams":            ". . . . . . X",
    "manage_keys":             ". . . . . . X",
}  # fmt: skip
ORDER = [
    Role.OPERATOR,
    Role.CASE_OFFICER,
    Role.FIELD_LIAISON,
    Role.FINANCE_OFFICER,
    Role.SUPERVISOR,
    Role.AUDITOR,
    Role.ADMIN,
]


def test_it_lists_every_capability_once():
    assert set(EXPECTED) == set(CAPABILITIES)


@pytest.mark.parametrize("role", ORDER)
def test_it_gives_each_role_exactly_its_capabilities(db, staff, role):
    user = staff.persona(role)
    column = ORDER.index(role)
    for capability, row in EXPECTED.items():
        allowed = row.split()[column] == "X"
        assert user.has_perm(f"accounts.{capability}") is allowed, (role, capability)


def test_it_keeps_groups_equal_to_the_table(db):
    for role, capabilities in ROLE_CAPABILITIES.items():
        group = Group.objects.get(name=role)
        assert set(group.permissions.values_list("codename", flat=True)) == set(capabilities)


def test_it_gives_an_outsider_nothing(db, staff):
    user = staff.outsider()
    assert not any(user.has_perm(f"accounts.{c}") for c in CAPABILITIES)


def test_field_liaison_and_finance_cannot_see_cases(db, staff):
    for role in (Role.FIELD_LIAISON, Role.FINANCE_OFFICER, Role.AUDITOR, Role.ADMIN):
        assert not staff.persona(role).has_perm("accounts.view_team_cases"), role


def test_createsuperuser_makes_an_account_with_no_capability(db, monkeypatch):
    """Django's createsuperuser flags an account that ModelBackend gives every permission, an
    admin and a supervisor in one, beside the role table and without an audit event."""
    from django.core.management import call_command

    from accounts import actions
    from accounts.models import User

    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-enough-password-1")
    call_command("createsuperuser", username="root", email="", interactive=False, verbosity=0)
    root = User.objects.get(username="root")
    assert root.is_superuser  # the flag is set, and grants nothing
    assert not any(root.has_perm(f"accounts.{c}") for c in CAPABILITIES)
    assert root.get_all_permissions() == set() and not root.has_module_perms("accounts")
    actions.set_roles(actor=None, user=root, roles=["supervisor"])
    root = User.objects.get(pk=root.pk)
    assert not root.has_perm("accounts.manage_staff") and root.has_perm("accounts.assign_cases")
