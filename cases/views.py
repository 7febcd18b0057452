from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from cases import access, queues, states, workflow
from intake import questionnaire
from vault import records, sessions
from vault.policy import POLICY


@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("accounts.view_team_cases"):
        raise Http404  # field liaisons, finance, auditors and admins see no case pages at all
    cases = access.visible_cases(request.user).select_related("team").order_by("-created_at")
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    return render(request, "cases/list.html", {"page": page, "tabs": _tabs(request.user)})


# Record kinds in words (cases/templates/cases/detail.html).
KINDS = {
    "answers": gettext_lazy("Questionnaire"), "recontact": gettext_lazy("Later contact"),
    "call": gettext_lazy("Hotline call"), "message": gettext_lazy("Message from the applicant"),
    "reply": gettext_lazy("Message to the applicant"), "phrase": gettext_lazy("Recognition phrase"),
    "dates": gettext_lazy("Dates"), "attachment": gettext_lazy("Attachment"),
    "note": gettext_lazy("Note"), "task": gettext_lazy("Escort task"),
}  # fmt: skip


@require_GET
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    """Each compartment shown only to a user whose keys open it; others see that it exists."""
    case = access.case_for_user(request.user, number)
    compartments = []
    locked_session = not sessions.is_unlocked(request)
    for name, rule in POLICY.items():
        entries = []
        for record in case.records.filter(compartment=name).order_by("created_at"):
            if locked_session or not records.can_open(request.user, record):
                entries.append(
                    {"record": record, "values": None, "kind": KINDS.get(record.kind, record.kind)}
                )
            else:
                shown = questionnaire.display(records.open(request, record), request.LANGUAGE_CODE)
                entries.append(
                    {"record": record, "values": shown, "kind": KINDS.get(record.kind, record.kind)}
                )
        if entries:
            compartments.append({"name": name, "label": rule.label, "entries": entries})
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "compartments": compartments,
            "locked_session": locked_session,
            "no_access": records.NoAccess.message,
            "moves": states.allowed(case, request.user),
            "assignable": (
                case.team.members.order_by("username")
                if case.team_id and request.user.has_perm("accounts.assign_cases")
                else []
            ),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("accounts.triage_portal", raise_exception=True)
def triage(request: HttpRequest) -> HttpResponse:
    """Portal cases wait here, unverified, for a supervisor to keep them or discard them in bulk
    (a flood of junk is discarded and its sealed data destroyed)."""
    waiting = access.triage_queue(request.user)
    if request.method == "POST":
        chosen = list(waiting.filter(number__in=request.POST.getlist("case")))
        if request.POST.get("operation") == "discard" and not request.POST.get("confirmed"):
            # Discarding destroys data: list what would go and ask once more.
            return render(request, "cases/triage_confirm.html", {"chosen": chosen})
        if request.POST.get("operation") == "discard":
            n = workflow.discard_unverified(chosen, actor=request.user)
            messages.success(
                request, ngettext("%(n)d case discarded.", "%(n)d cases discarded.", n) % {"n": n}
            )
        elif request.POST.get("operation") == "keep":
            n = workflow.keep_unverified(chosen, actor=request.user)
            messages.success(
                request, ngettext("%(n)d case kept.", "%(n)d cases kept.", n) % {"n": n}
            )
        else:
            messages.error(request, _("Choose keep or discard."))
        return redirect("cases:triage")
    page = Paginator(waiting.order_by("created_at"), 200).get_page(request.GET.get("page"))
    return render(request, "cases/triage.html", {"page": page})


@require_http_methods(["POST"])
@permission_required("accounts.screen_cases", raise_exception=True)
def new_codename(request: HttpRequest, number: str) -> HttpResponse:
    """Issue a new codename after contact was re-established by another channel."""
    from intake import service

    case = access.case_for_user(request.user, number)
    submission = service.reissue_codename(case, actor=request.user)
    return render(request, "intake/hotline_done.html", {"submission": submission})


@require_http_methods(["POST"])
def acknowledge(request: HttpRequest, alert_id: int) -> HttpResponse:
    """Any member of the alerted team acknowledges an alert (field liaisons included)."""
    workflow.acknowledge_alert(alert_id, actor=request.user)
    return redirect("accounts:dashboard")


@require_http_methods(["POST"])
def reply(request: HttpRequest, number: str) -> HttpResponse:
    """A staff message to the applicant, sealed to the correspondence compartment. Operational
    content (a point, a window, a signal) belongs in a signed instruction, not here."""
    case = access.case_for_user(request.user, number)
    text = request.POST.get("text", "").strip()
    if not text or len(text) > 4000:
        messages.error(request, _("Write a message of at most 4000 characters."))
    elif case.duress:
        messages.error(
            request,
            _("The applicant is under duress: nothing reaches him until he has a new codename."),
        )
    else:
        from cases import messages as case_messages

        case_messages.to_applicant(case, text, actor=request.user)
        messages.success(
            request, _("Message sent. The applicant reads it after logging in with his codename.")
        )
    return redirect("cases:detail", number=case.number)


@require_http_methods(["POST"])
def move(request: HttpRequest, number: str, name: str) -> HttpResponse:
    """One step of the workflow (cases/states.py decides whether it is allowed)."""
    from cases import states

    case = access.case_for_user(request.user, number)
    try:
        states.move(case, name, actor=request.user)
    except states.TransitionRefused as refusal:
        messages.error(request, str(refusal.message))
    return redirect("cases:detail", number=case.number)


QUEUE_TITLES = {
    "new": gettext_lazy("New and unassigned"), "mine": gettext_lazy("Assigned to me"),
    "overdue": gettext_lazy("Screening overdue"),
    "flagged": gettext_lazy("Flagged (watch list, duress)"),
    "duplicates": gettext_lazy("Possible duplicates"),
}  # fmt: skip


@require_GET
def queue(request: HttpRequest, name: str) -> HttpResponse:
    if name not in queues.QUEUES or not request.user.has_perm("accounts.view_team_cases"):
        raise Http404
    cases = queues.queue(request.user, name).select_related("team", "assignee")
    page = Paginator(cases.order_by("-created_at"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/list.html",
        {"page": page, "title": QUEUE_TITLES[name], "tabs": _tabs(request.user), "current": name},
    )


def _tabs(user) -> list[tuple[str, object, int]]:
    counts = queues.queue_counts(user)
    return [(name, QUEUE_TITLES[name], counts[name]) for name in queues.QUEUES]


@require_http_methods(["POST"])
def assign(request: HttpRequest, number: str) -> HttpResponse:
    case = access.case_for_user(request.user, number)
    from accounts.models import User

    chosen = request.POST.get("assignee", "")
    assignee = User.objects.filter(pk=chosen).first() if chosen.isdigit() else None
    try:
        workflow.assign(case, assignee, actor=request.user)
    except workflow.TransitionRefused as refusal:
        messages.error(request, str(refusal.message))
    return redirect("cases:detail", number=case.number)


@require_http_methods(["POST"])
def add_note(request: HttpRequest, number: str) -> HttpResponse:
    """An internal note, sealed in the identity compartment like the answers (staff only)."""
    case = access.case_for_user(request.user, number)
    text = request.POST.get("note", "").strip()
    if not text or len(text) > 4000:
        messages.error(request, _("Write a note of at most 4000 characters."))
    else:
        workflow.add_note(case, text, actor=request.user)
        messages.success(request, _("Note saved."))
    return redirect("cases:detail", number=case.number)


SEARCH_KINDS = [
    ("phone", gettext_lazy("Phone number")),
    ("full_name", gettext_lazy("Name")),
    ("service_number", gettext_lazy("Service number")),
]


@sensitive_post_parameters("value")
@require_http_methods(["GET", "POST"])
def search_view(request: HttpRequest) -> HttpResponse:
    """By case number, or (posted, never in a URL) by phone, name or service number."""
    from cases import search
    from vault import sessions

    if not request.user.has_perm("accounts.view_team_cases"):
        raise Http404
    found, searched = [], False
    number = request.GET.get("number", "").strip()
    if number:
        found, searched = list(access.visible_cases(request.user).filter(number=number)), True
    elif request.method == "POST":
        kind, value = request.POST.get("kind", ""), request.POST.get("value", "")[:200]
        searched = True
        if kind in dict(SEARCH_KINDS) and value.strip():
            try:
                found = search.search(request.user, sessions.private_key(request), kind, value)
            except sessions.Locked:
                messages.error(request, _("Your session holds no key. Log out and in again."))
    return render(
        request,
        "cases/search.html",
        {"found": found, "searched": searched, "kinds": SEARCH_KINDS, "number": number},
    )
