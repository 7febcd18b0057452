"""Who may do what: the one table of roles and capabilities.

Each role is a Django group of the same name; each capability is a permission
``accounts.<codename>`` on the unmanaged ``Capability`` model. ``sync_roles`` (run after every
migrate) makes the groups' permissions equal to this table, so a change here is a change of the
whole system. Views check capabilities, never role names.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class Role(models.TextChoices):
    OPERATOR = "operator", _("Operator")
    CASE_OFFICER = "case_officer", _("Case officer")
    FIELD_LIAISON = "field_liaison", _("Field liaison")
    FINANCE_OFFICER = "finance_officer", _("Finance officer")
    SUPERVISOR = "supervisor", _("Supervisor")
    AUDITOR = "auditor", _("Auditor")
    ADMIN = "admin", _("Administrator")


# codename -> what it allows, in English; translated where shown (gettext(label)).
CAPABILITIES: dict[str, str] = {
    "record_intake": gettext_noop("Answer the hotline and record questionnaires"),
    "view_team_cases": gettext_noop("See the cases of own teams"),
    "screen_cases": gettext_noop("Screen and verify cases"),
    "plan_exits": gettext_noop("Plan exits and draft instructions"),
    "approve_instructions": gettext_noop("Approve instructions (second pair of eyes)"),
    "assign_cases": gettext_noop("Assign cases"),
    "grant_restricted_access": gettext_noop("Grant access to restricted cases"),
    "triage_portal": gettext_noop("Triage and bulk-discard unverified portal cases"),
    "manage_watchlist": gettext_noop("Maintain the watch list"),
    "run_escort_tasks": gettext_noop("Run escort tasks of own field unit"),
    "report_sightings": gettext_noop("Report sightings of soldiers signalling surrender"),
    "assess_rewards": gettext_noop("Assess equipment rewards"),
    "record_payouts": gettext_noop("Record reward payouts"),
    "approve_rewards": gettext_noop("Approve reward proposals"),
    "view_reports": gettext_noop("See dashboards and reports"),
    "view_audit_log": gettext_noop("Read and verify the audit log"),
    "manage_staff": gettext_noop("Create staff accounts and change roles"),
    "manage_teams": gettext_noop("Create teams and change membership"),
    "manage_keys": gettext_noop("Run key operations"),
}

R = Role
ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    R.OPERATOR: frozenset({"record_intake", "view_team_cases"}),
    R.CASE_OFFICER: frozenset({"record_intake", "view_team_cases", "screen_cases", "plan_exits"}),
    R.FIELD_LIAISON: frozenset({"run_escort_tasks", "report_sightings"}),
    R.FINANCE_OFFICER: frozenset({"assess_rewards", "record_payouts", "approve_rewards"}),
    R.SUPERVISOR: frozenset(
        {
            "record_intake",
            "view_team_cases",
            "screen_cases",
            "approve_instructions",
            "assign_cases",
            "grant_restricted_access",
            "triage_portal",
            "manage_watchlist",
            "approve_rewards",
            "view_reports",
        }
    ),
    R.AUDITOR: frozenset({"view_audit_log"}),
    R.ADMIN: frozenset({"manage_staff", "manage_teams", "manage_keys"}),
}


# Keys follow roles (DESIGN.md, "Access follows keys, keys follow roles"): which kinds of team
# key (accounts.models.Team.Kind values) each role may hold. A user may hold a kind if any of
# his roles allows it. Membership of a team of another kind, a grant of its key and escrow
# recovery's re-grant are refused in the domain layer (accounts/actions.py, vault/teams.py,
# vault/recovery.py), each refusal an audit event; a key of a kind his roles no longer allow
# opens no case (vault/possession.py).
#
# * operator: the intake team's cases (hotline, chats);
# * case officer: screens (intake) and plans (planning): both;
# * field liaison: his field unit's escort tasks only, never identity;
# * finance officer: reward records only;
# * supervisor: "everything of his teams" (intake, planning) and, because he approves reward
#   proposals, finance; never a field unit's key (an escort task belongs to its unit alone);
# * auditor and admin: none. They see no case content, so they may not combine with a role
#   that holds keys either (``KEYLESS_ROLES``; ``set_roles`` refuses): an admin who could also
#   grant keys could make a puppet on his own, an auditor who reads cases is no longer an
#   independent check.
ROLE_TEAM_KINDS: dict[str, frozenset[str]] = {
    R.OPERATOR: frozenset({"intake"}),
    R.CASE_OFFICER: frozenset({"intake", "planning"}),
    R.FIELD_LIAISON: frozenset({"field_unit"}),
    R.FINANCE_OFFICER: frozenset({"finance"}),
    R.SUPERVISOR: frozenset({"intake", "planning", "finance"}),
    R.AUDITOR: frozenset(),
    R.ADMIN: frozenset(),
}
KEYLESS_ROLES = frozenset({R.AUDITOR.value, R.ADMIN.value})
# A field liaison holds only his field unit's key, a finance officer only finance's
# (DESIGN.md: their keys open nothing of identity). Combined with a role that holds another
# kind, the union above would let either into an intake or planning team: refused.
CONFINED_ROLES = frozenset({R.FIELD_LIAISON.value, R.FINANCE_OFFICER.value})


class WrongRoleForKey(Exception):
    """The user's roles may not hold this kind of team key (``ROLE_TEAM_KINDS``), or an
    auditor or admin role would be combined with one that holds keys. ``message`` is safe to
    show; the refusal is an audit event."""

    def __init__(self, message):
        super().__init__("refused by the role-key table")
        self.message = message


def team_kinds_for(roles) -> frozenset[str]:
    """The kinds of team key a user with these roles may hold (the union over his roles)."""
    return frozenset().union(*(ROLE_TEAM_KINDS.get(r, frozenset()) for r in roles))


def held_kinds(roles) -> frozenset[str]:
    """The kinds of team key these roles let a user hold *now*: none at all for a combination
    ``set_roles`` refuses (an account that got it another way, or before the refusal)."""
    return frozenset() if refused_combination(roles) else team_kinds_for(roles)


def may_hold(user, kind: str) -> bool:
    """Whether ``user``'s current roles allow a team key of ``kind``."""
    return kind in held_kinds(user.roles)


def refused_combination(roles) -> bool:
    """An auditor or admin role together with a role that holds team keys, or a field liaison
    or finance officer role together with one that holds another kind of team key."""
    roles = set(roles)
    if roles & KEYLESS_ROLES and team_kinds_for(roles):
        return True
    return any(team_kinds_for(roles) - ROLE_TEAM_KINDS[r] for r in roles & CONFINED_ROLES)


def sync_roles(**kwargs) -> None:
    """Make each role's group hold exactly the permissions of the table above."""
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    from accounts.models import Capability

    content_type = ContentType.objects.get_for_model(Capability, for_concrete_model=False)
    perms = {}
    for codename, label in CAPABILITIES.items():
        perm, _created = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": str(label)[:255]}
        )
        perms[codename] = perm
    for role, capabilities in ROLE_CAPABILITIES.items():
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.set([perms[c] for c in sorted(capabilities)])
