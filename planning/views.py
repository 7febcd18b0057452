from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases import access
from cases.states import TransitionRefused
from planning import plans, points, times
from planning.forms import PlanForm, initial_from
from vault import records, sessions


@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, number: str) -> HttpResponse:
    """The case's exit plan: shown decrypted to planners whose keys open it, saved as a new
    sealed version."""
    if not plans.can_plan(request.user):
        raise Http404
    case = access.case_for_user(request.user, number)
    plan = plans.plan_of(case)
    current = None
    if plan is not None and plan.record is not None:
        if not sessions.is_unlocked(request) or not records.can_open(request.user, plan.record):
            return render(
                request, "planning/plan.html", {"case": case, "plan": plan, "locked": True}
            )
        current = plans.read_plan(request, plan)
    if request.method == "POST":
        form = PlanForm(request.POST, case=case)
        if form.is_valid():
            try:
                plans.save_plan(case, form.values(), actor=request.user)
            except TransitionRefused as refused:
                messages.error(request, refused.message)
            except plans.PlanInvalid as invalid:  # changed between form check and save
                for field, message in invalid.errors.items():
                    form.add_error(field if field in form.fields else None, message)
                return render(request, "planning/plan.html", _context(case, plan, current, form))
            else:
                messages.success(request, _("Plan saved."))
            return redirect("planning:plan", number=case.number)
    else:
        form = PlanForm(initial=initial_from(current) if current else None, case=case)
    return render(request, "planning/plan.html", _context(case, plan, current, form))


def _context(case, plan, current, form) -> dict:
    shown = None
    if current:
        language = case.language
        shown = {
            "point_mgrs": points.to_mgrs(current["lat"], current["lon"])
            if current.get("lat") is not None
            else None,
            "point_degrees": points.to_degrees(current["lat"], current["lon"])
            if current.get("lat") is not None
            else None,
            "windows": [
                (
                    times.for_staff(current.get(start)),
                    times.for_staff(current.get(end)),
                    times.for_applicant(current[start], language) if current.get(start) else "—",
                    times.for_applicant(current[end], language) if current.get(end) else "—",
                )
                for start, end in plans.WINDOWS
            ],
            "values": current,
        }
    return {
        "case": case,
        "plan": plan,
        "shown": shown,
        "form": form,
        "editable": case.status == case.Status.PLANNING,
    }
