from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# The staff navigation: (URL name, label, capability needed or None). Apps add their pages here.
NAVIGATION = [
    ("accounts:dashboard", _("Dashboard"), None),
    ("cases:list", _("Cases"), "accounts.view_team_cases"),
    ("cases:triage", _("Triage"), "accounts.triage_portal"),
    ("intake:hotline", _("Hotline"), "accounts.record_intake"),
    ("intake:watch_list", _("Watch list"), "accounts.manage_watchlist"),
    ("planning:field", _("Field console"), "accounts.run_escort_tasks"),
    ("planning:check_code", _("Check a code"), "accounts.record_intake"),
    ("rewards:list", _("Rewards"), "accounts.approve_rewards"),
    ("audit:events", _("Audit log"), "accounts.view_audit_log"),
    ("accounts:staff", _("Staff"), "accounts.manage_staff"),
    ("accounts:teams", _("Teams"), "accounts.manage_teams"),
    ("accounts:account", _("My account"), None),
]


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_verified():
        return {"nav": []}
    current = request.path
    items = []
    for name, label, perm in NAVIGATION:
        if perm is None or user.has_perm(perm):
            url = reverse(name)
            items.append({"url": url, "label": label, "current": current == url})
    return {"nav": items}
