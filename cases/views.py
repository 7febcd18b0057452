from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from cases import access, queues, states, workflow
from cases.links import shown_links
from cases.pages import page_of
from intake import questionnaire
from reception.models import records_shown_elsewhere
from vault import records, sessions
from vault.policy import FAMILY, PLAN, POLICY


@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("accounts.view_team_cases"):
        raise Http404  # field liaisons, finance, auditors and admins see no case pages at all
    page = page_of(access.visible_parts(request.user), request.GET.get("page"), related=["team"])
    return render(request, "cases/list.html", {"page": page})


# Record kinds in words (cases/templates/cases/detail.html).
KINDS = {
    "answers": gettext_lazy("Questionnaire"), "recontact": gettext_lazy("Later contact"),
    "call": gettext_lazy("Hotline call"), "message": gettext_lazy("Message from the applicant"),
    "reply": gettext_lazy("Message to the applicant"), "phrase": gettext_lazy("Recognition phrase"),
    "dates": gettext_lazy("Dates"), "attachment": gettext_lazy("Attachment"),
    "note": gettext_lazy("Note"), "task": gettext_lazy("Escort task"),
    "plan": gettext_lazy("Exit plan"), "instruction": gettext_lazy("Instruction"),
}  # fmt: skip


@require_GET
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    """Each compartment shown only to a user whose keys open it; others see that it exists."""
    case = access.case_for_user(request.user, number)
    compartments = []
    locked_session = not sessions.is_unlocked(request)
    for name, rule in POLICY.items():
        entries = []
        # A restricted case's audit key is a record too, but no page shows a key; plans and
        # instructions are read on the planning pages (linked above), not here.
        if name == FAMILY:
            continue  # relatives are read on the family page (family/views.py), audited there
        hidden = (
            (records.AUDIT_KEY, "plan", "instruction") if name == PLAN else (records.AUDIT_KEY,)
        )
        listed = case.records.filter(compartment=name).exclude(kind__in=hidden)
        # Custody, registration, media, enquiries: on the reception pages (reception/models.py).
        listed = listed.exclude(pk__in=records_shown_elsewhere(case))
        for record in listed.order_by("created_at"):
            # Restricted: the plain column holds the year; a message's true time is sealed.
            entry = {"record": record, "kind": KINDS.get(record.kind, record.kind), "at": None}
            values = None
            if not locked_session and records.can_open(request.user, record):
                try:
                    values = records.open(request, record)
                except records.NoAccess:  # a key row that does not open: shown as locked
                    values = None
            if values is None:
                entries.append({**entry, "values": None})
                continue
            if case.restricted and isinstance(values.get("at"), str):
                entry["at"] = datetime.fromisoformat(values.pop("at"))
                values.pop("expires_at", None)
            shown = questionnaire.display(values, request.LANGUAGE_CODE)
            entries.append({**entry, "values": shown})
        if entries:
            compartments.append({"name": name, "label": rule.label, "entries": entries})
    from cases.timeline import timeline

    links, elsewhere = shown_links(request.user, case)
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "timeline": timeline(
                case,
                audit_private=(
                    records.case_audit_private(request, case)
                    if case.restricted and not locked_session
                    else None
                ),
            ),
            "links": links,
            # Never a number or a count of cases outside his scope, and never a restricted
            # one at all (cases/links.py).
            "possible_match": elsewhere,
            "compartments": compartments,
            "locked_session": locked_session,
            "no_access": records.NoAccess.message,
            **_moves(case, request.user),
            **_family_context(case, request.user),
            **_access_context(case, request.user),
            "assignable": (
                [m for m in case.team.members.order_by("username") if workflow.holds_seal(m, case)]
                if case.team_id and request.user.has_perm("accounts.assign_cases")
                else []
            ),
        },
    )


def _refusals(case, transition) -> str | None:
    """Every reason the step's preconditions give now (states.refusal gives the first)."""
    checks = (states.not_restricted_without_names, *transition.preconditions)
    reasons = [str(reason) for reason in (check(case) for check in checks) if reason]
    return " ".join(reasons) or None


def _moves(case, user) -> dict:
    """The steps offered on the case page. While a field unit runs an active escort task of the
    case, it reports the exit itself (en route moves the case on, planning/field.py): the
    officer's own "Exit under way" would only stand beside its report, so it is not offered and
    the page says why."""
    from planning.escort import ACTIVE
    from planning.models import EscortTask

    moves = states.allowed(case, user)
    field_unit_reports = EscortTask.objects.filter(case=case, status__in=ACTIVE).exists()
    if field_unit_reports:
        moves = [m for m in moves if m.name != "start"]
    # Each step with every reason a precondition refuses it now, shown beside it: one at a
    # time would hide the family still in transit behind the missing instruction.
    return {
        "moves": [(m, _refusals(case, m)) for m in moves],
        "field_unit_reports": field_unit_reports,
    }


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
    page = page_of(
        access.triage_parts(request.user),
        request.GET.get("page"),
        200,
        order="created_at",
        related=["team"],
    )
    return render(request, "cases/triage.html", {"page": page})


@require_http_methods(["POST"])
@permission_required("accounts.screen_cases", raise_exception=True)
def new_codename(request: HttpRequest, number: str) -> HttpResponse:
    """Issue a new codename after contact was re-established by another channel."""
    from intake import service
    from intake.views import issued

    case = access.case_for_user(request.user, number)
    submission = service.reissue_codename(case, actor=request.user)
    return issued(request, submission)


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
    elif case.purged_at is not None:
        messages.error(request, str(states.PURGED))
    else:
        from cases import channels
        from cases import messages as case_messages

        sent = case_messages.to_applicant(case, text, actor=request.user)
        try:
            messages.success(request, channels.announce(case, sent, text, actor=request.user))
        except channels.NotAnnounced as failure:
            messages.warning(request, str(failure.message))
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


@require_GET
def queue(request: HttpRequest, name: str) -> HttpResponse:
    if name not in queues.QUEUES or not request.user.has_perm("accounts.view_team_cases"):
        raise Http404
    page = page_of(
        queues.queue_parts(request.user, name),
        request.GET.get("page"),
        related=["team", "assignee"],
    )
    return render(
        request,
        "cases/list.html",
        {"page": page, "title": queues.TITLES[name], "waiting": queues.WAITING.get(name)},
    )


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
        try:
            workflow.add_note(case, text, actor=request.user)
        except states.TransitionRefused as refused:
            messages.error(request, str(refused.message))
        else:
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
    found, searched, possible_match = [], False, False
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
            else:
                possible_match = not found and search.possible_match_elsewhere(
                    request.user, kind, value
                )
    return render(
        request,
        "cases/search.html",
        {
            "found": found,
            "searched": searched,
            "kinds": SEARCH_KINDS,
            "number": number,
            "possible_match": possible_match,
        },
    )


def _family_context(case, user) -> dict:
    """The family page's link and the cases that list this applicant as a relative, for a user
    whose keys open the family part (family/relatives.py)."""
    from family import links as family_links
    from family import relatives

    if not relatives.can_view(user, case):
        return {}
    return {
        "family_shown": True,
        "family_count": case.relatives.count(),
        "relative_in": family_links.relative_in(user, case),
    }


# --- restricted cases: two supervisors name people (cases/restriction.py) -------------------


def _access_context(case, user) -> dict:
    from cases import restriction

    if not user.has_perm(restriction.CAPABILITY) and not case.restricted:
        return {}
    return {
        "named": case.grants.select_related("user").order_by("user__username"),
        "access_pending": list(restriction.pending(case)),
        "access_candidates": (
            restriction.candidates(case) if user.has_perm(restriction.CAPABILITY) else []
        ),
        "missing_copies": records.missing_copies(case),
        "is_named": case.grants.filter(user=user).exists(),
    }


def _private_or_none(request):
    try:
        return sessions.private_key(request)
    except sessions.Locked:
        return None


@require_http_methods(["POST"])
@permission_required("accounts.grant_restricted_access", raise_exception=True)
def request_access(request: HttpRequest, number: str) -> HttpResponse:
    from accounts.models import User
    from cases import restriction

    case = access.case_for_user(request.user, number)
    ids = [i for i in request.POST.getlist("user") if i.isdigit()]
    try:
        n = restriction.request_access(
            case, list(User.objects.filter(pk__in=ids)), actor=request.user
        )
        messages.success(
            request,
            ngettext(
                "%(n)d request waits for a second supervisor.",
                "%(n)d requests wait for a second supervisor.",
                n,
            )
            % {"n": n},
        )
    except states.TransitionRefused as refusal:
        messages.error(request, str(refusal.message))
    return redirect("cases:detail", number=case.number)


@require_http_methods(["POST"])
@permission_required("accounts.grant_restricted_access", raise_exception=True)
def decide_access(request: HttpRequest, number: str) -> HttpResponse:
    from cases import restriction

    case = access.case_for_user(request.user, number)
    approve = request.POST.get("decision") == "approve"
    try:
        restriction.decide(
            case, approve=approve, actor=request.user, actor_private=_private_or_none(request)
        )
        messages.success(request, _("Access approved.") if approve else _("Access declined."))
    except states.TransitionRefused as refusal:
        messages.error(request, str(refusal.message))
    if approve and not access.visible_cases(request.user).filter(pk=case.pk).exists():
        return redirect("cases:list")  # the approver is not among the named people
    return redirect("cases:detail", number=case.number)


@require_http_methods(["POST"])
def seal_for_named(request: HttpRequest, number: str) -> HttpResponse:
    from cases import restriction

    case = access.case_for_user(request.user, number)
    try:
        n = restriction.seal_for_named(
            case, actor=request.user, actor_private=_private_or_none(request)
        )
        messages.success(
            request,
            ngettext(
                "%(n)d record sealed to the named people.",
                "%(n)d records sealed to the named people.",
                n,
            )
            % {"n": n},
        )
    except states.TransitionRefused as refusal:
        messages.error(request, str(refusal.message))
    return redirect("cases:detail", number=case.number)
