from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from cases import access, workflow
from vault import records, sessions
from vault.policy import POLICY


@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    cases = access.visible_cases(request.user).select_related("team").order_by("-created_at")
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    return render(request, "cases/list.html", {"page": page})


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
                entries.append({"record": record, "values": None})
            else:
                entries.append(
                    {"record": record, "values": sorted(records.open(request, record).items())}
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
