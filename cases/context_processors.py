import functools

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases import queues

# Queues whose non-zero count asks for attention (shown emphasised).
URGENT = {"overdue", "flagged", "triage"}


def queue_navigation(request: HttpRequest) -> dict:
    """The queues with their counts, on every staff page of a user who sees cases. Computed
    only when a template shows it: one capped count per queue (cases/queues.py)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_verified():
        return {}
    if not user.has_perm("accounts.view_team_cases"):
        return {}

    @functools.cache  # the template asks twice (if, then for): count once per request
    def items() -> list[dict]:
        counts = queues.queue_counts(user)
        shown = [
            (name, queues.TITLES[name], reverse("cases:queue", args=[name]))
            for name in queues.QUEUES
        ]
        if "triage" in counts:
            shown.insert(0, ("triage", _("Unverified"), reverse("cases:triage")))
        return [
            {
                "name": name,
                "label": label,
                "url": url,
                "count": counts[name],
                "shown": queues.shown(counts[name]),
                "urgent": name in URGENT and counts[name] > 0,
                "current": request.path == url,
            }
            for name, label, url in shown
        ]

    return {"queue_nav": items}
