"""Staff pages of the outcome and its guarantees (reception/outcomes.py)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases import access
from cases import purged as purged_case
from cases.states import TransitionRefused
from reception import outcomes
from reception.outcome_forms import GuaranteeForm, OutcomeForm
from vault import sessions


def _case(request: HttpRequest, number: str, *, purged: bool = False):
    """A purged case only where ``purged`` (its page says so); everywhere else "not found"."""
    if not request.user.has_perm(outcomes.CAPABILITY):
        raise Http404
    case = access.case_for_user(request.user, number)
    return case if purged else purged_case.refuse(case)


def _page(request, case, outcome_form=None, guarantee_form=None, status=200) -> HttpResponse:
    shown = outcomes.shown(request, case)
    current = shown["outcome"]
    # A correction starts from the outcome as recorded, not from an empty choice.
    initial = {"kind": current["kind"]} if current and not current["locked"] else None
    return render(
        request,
        "reception/outcome.html",
        {
            "case": case,
            "shown": shown,
            "editable": case.status in outcomes.OPEN_STATES,
            "outcome_form": outcome_form or OutcomeForm(initial=initial),
            "guarantee_form": guarantee_form or GuaranteeForm(),
        },
        status=status,
    )


@require_GET
def outcome(request: HttpRequest, number: str) -> HttpResponse:
    """The case's outcome and the guarantees promised to the man."""
    case = _case(request, number, purged=True)
    if case.purged_at is not None:
        return purged_case.page(request, case)
    return _page(request, case)


@require_POST
def outcome_record(request: HttpRequest, number: str) -> HttpResponse:
    case = _case(request, number)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        return _page(request, case, outcome_form=form, status=400)
    try:
        outcomes.record_outcome(case, form.cleaned_data["kind"], actor=request.user)
    except TransitionRefused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("Outcome recorded."))
    return redirect("reception:outcome", number=case.number)


@require_POST
def guarantee_promise(request: HttpRequest, number: str) -> HttpResponse:
    case = _case(request, number)
    form = GuaranteeForm(request.POST)
    if not form.is_valid():
        return _page(request, case, guarantee_form=form, status=400)
    try:
        outcomes.promise(case, form.cleaned_data["kind"], actor=request.user)
    except TransitionRefused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("Guarantee added to the tasks."))
    return redirect("reception:outcome", number=case.number)


@require_POST
def guarantee_done(request: HttpRequest, number: str, guarantee_id) -> HttpResponse:
    case = _case(request, number)
    try:
        private = sessions.private_key(request) if case.restricted else None
    except sessions.Locked:
        private = None
    try:
        outcomes.mark_done(case, guarantee_id, actor=request.user, actor_private=private)
    except TransitionRefused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("Guarantee marked done."))
    return redirect("reception:outcome", number=case.number)
