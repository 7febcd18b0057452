from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from audit import log
from audit.models import Event


@require_GET
@permission_required("accounts.view_audit_log", raise_exception=True)
def event_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(Event.objects.select_related("actor"), 50).get_page(request.GET.get("page"))
    checked, broken = log.verify() if request.GET.get("verify") else (None, None)
    if checked is not None:
        log.record("audit_verified", actor=request.user, events=checked, intact=broken is None)
    return render(
        request,
        "audit/events.html",
        {"page": page, "checked": checked, "broken": broken},
    )
