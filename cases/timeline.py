"""A case's timeline for its page: the audit events about it, in words. Workflow metadata only
(the audit log holds no personal data); openings of sealed records and searches are left out,
they are for the auditor."""

from django.utils.translation import gettext_lazy as _

from audit import log
from audit.models import Event
from cases.models import Case
from cases.states import BY_NAME
from vault.crypto import DecryptionFailed

LABELS = {
    "case_opened": _("Case opened"),
    "case_kept": _("Kept after triage"),
    "case_assigned": _("Assigned"),
    "case_recontact": _("The applicant made contact again"),
    "message_sent": _("Message sent to the applicant"),
    "note_added": _("Internal note added"),
    "watchlist_match": _("Watch-list match"),
    "possible_duplicate": _("Possible duplicate found"),
    "duress_login": _("Duress login"),
    "duress_cleared": _("Contact re-established"),
    "codename_reissued": _("New codename issued"),
    "alerts_raised": _("Alerts raised"),
    "alert_acknowledged": _("Alert acknowledged"),
    "case_restricted": _("Access restricted to named people"),
    "access_requested": _("Access for a named person requested"),
    "access_approved": _("Access for a named person approved"),
    "access_declined": _("Access request declined"),
    "case_resealed": _("Records sealed to named people"),
    "escort_task_keys_deleted": _("Escort task keys deleted"),
    "messages_read": _("The applicant read messages"),
    "outcome_recorded": _("Outcome recorded"),
    "guarantee_promised": _("Guarantee promised"),
    "guarantee_done": _("Guarantee kept"),
    "case_purged": _("Personal data deleted under the retention rule"),
    # family/relatives.py (no name: the relative's id is not shown)
    "relative_added": _("Relative listed"),
    "relative_changed": _("Relative's details changed"),
    "relocation_step": _("Relative's relocation status changed"),
    "relative_case_linked": _("Relative's own case linked"),
    "relative_case_unlinked": _("Link to a relative's own case removed"),
    "linked_as_relative": _("Linked as a relative's own case"),
    "unlinked_as_relative": _("Link as a relative's own case removed"),
}
SYSTEM_STEPS = {
    "dormant_after_silence": _("Dormant after silence"),
    "reopen_on_contact": _("Reopened on new contact"),
}
# When he set his duress word is his business: the auditor sees it, the case page does not.
HIDDEN = ("record_opened", "case_search", "duress_word_set")


def timeline(case: Case, limit: int = 200, *, audit_private: bytes | None = None) -> list[dict]:
    """The newest ``limit`` events about the case, oldest first.

    A restricted case's events are sealed: with ``audit_private`` (the case's audit key, opened
    by a named user) they show their true time and detail, otherwise only their year."""
    events = list(
        Event.objects.filter(object_type="case", object_id=case.number)
        .exclude(action__in=HIDDEN)
        .select_related("actor")
        .order_by("-seq")[:limit]
    )
    rows = []
    for event in reversed(events):
        at, detail, year_only = event.at, event.detail, False
        if event.sealed is not None:
            year_only = audit_private is None
            if audit_private is not None:
                try:
                    true = log.unseal(event, audit_private)
                except (ValueError, DecryptionFailed):
                    year_only = True  # forged or foreign: show what is in clear
                else:
                    at, detail = true["at"], true["detail"]
        if event.action == "case_transition":
            name = detail.get("transition", "")
            step = BY_NAME.get(name)
            label = step.label if step else SYSTEM_STEPS.get(name, name)
            target = Case.Status(detail["after"]).label if detail.get("after") else ""
        else:
            label, target = LABELS.get(event.action, event.action), ""
        rows.append(
            {
                "at": at,
                "year_only": year_only,
                "label": label,
                "target": target,
                "actor": event.actor_name or (event.actor.username if event.actor_id else None),
            }
        )
    return rows
