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
