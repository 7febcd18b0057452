from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cases import access
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
