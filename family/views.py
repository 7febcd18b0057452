"""The family pages of a case: its relatives, their relocation, the link to a relative's own
case. Only for users whose keys open the case's family part (family/relatives.py
``can_view``); everyone else gets "not found", as for a case outside his scope. Changes need
``plan_exits`` too (the domain functions refuse with a reason to show).

Bad input re-renders the page with what was typed and the reasons; nothing is lost."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from cases import access
from cases import purged as purged_case
from cases.states import TransitionRefused
from family import links as family_links
from family import relatives
from family.forms import LinkForm, RelativeForm, StepForm
from family.models import Relative
from vault import sessions

SEALED_FIELDS = ("name", "location", "contact", "needs", "note", "relation")


def _case_for(request: HttpRequest, number: str, *, purged: bool = False):
    """A purged case only where ``purged`` (the list says its data was deleted); everywhere
    else "not found"."""
    if not request.user.has_perm("accounts.view_team_cases"):
        raise Http404  # field liaisons, finance, auditors and admins: no case pages at all
    case = access.case_for_user(request.user, number)
    if not relatives.can_view(request.user, case):
        raise Http404("the user's keys do not open this case's family part")
    return case if purged else purged_case.refuse(case)


def _rows(request, case) -> list[dict]:
    unlocked = sessions.is_unlocked(request)
    rows = []
    for relative in case.relatives.select_related("record", "failure_record", "own_case"):
        own, elsewhere = family_links.own_case_shown(request.user, relative)
        rows.append(
            {
                "relative": relative,
                "values": relatives.read(request, relative) if unlocked else None,
                "own_case": own,
                "own_elsewhere": elsewhere,
            }
        )
    return rows


@sensitive_post_parameters(*SEALED_FIELDS)
@require_http_methods(["GET", "POST"])
def relative_list(request: HttpRequest, number: str) -> HttpResponse:
    case = _case_for(request, number, purged=True)
    if case.purged_at is not None:
        return purged_case.page(request, case)  # a POST adds nothing to it
    form = RelativeForm()
    if request.method == "POST":
        form = RelativeForm(request.POST)
        if form.is_valid():
            try:
                relatives.add(case, form.cleaned_data, actor=request.user)
            except relatives.RelativeInvalid as invalid:
                for field, message in invalid.errors.items():
                    form.add_error(field, message)
            except TransitionRefused as refused:
                messages.error(request, str(refused.message))
            else:
                messages.success(request, _("Relative listed."))
                return redirect("family:list", number=case.number)
    return render(
        request,
        "family/list.html",
        {
            "case": case,
            "rows": _rows(request, case),
            "form": form,
            "can_manage": relatives.can_manage(request.user, case),
            "blocker": relatives.blocker(case),
            "family_first": relatives.family_first(case),
            "locked_session": not sessions.is_unlocked(request),
        },
    )


def _relative(case, relative_id) -> Relative:
    found = (
        Relative.objects.filter(case=case, pk=relative_id)
        .select_related("record", "failure_record", "own_case")
        .first()
    )
    if found is None:
        raise Http404
    return found


@sensitive_post_parameters(*SEALED_FIELDS)
@require_http_methods(["GET", "POST"])
def relative_detail(request: HttpRequest, number: str, relative_id) -> HttpResponse:
    """One relative: edit (a new sealed version), the next relocation step, the link to his own
    case. The posted ``action`` says which form was sent."""
    case = _case_for(request, number)
    relative = _relative(case, relative_id)
    unlocked = sessions.is_unlocked(request)
    values = relatives.read(request, relative) if unlocked else None
    initial = {k: v for k, v in (values or {}).items() if k in relatives.FIELDS}
    edit_form = RelativeForm(initial=initial)
    step_form = StepForm(relative=relative)
    link_form = LinkForm()
    action = request.POST.get("action") if request.method == "POST" else None
    done = None
    try:
        if action == "edit":
            edit_form = RelativeForm(request.POST)
            if edit_form.is_valid():
                try:
                    relatives.edit(relative, edit_form.cleaned_data, actor=request.user)
                    done = _("Saved.")
                except relatives.RelativeInvalid as invalid:
                    for field, message in invalid.errors.items():
                        edit_form.add_error(field, message)
        elif action == "step":
            step_form = StepForm(request.POST, relative=relative)
            if step_form.is_valid():
                data = step_form.cleaned_data
                relatives.step(
                    relative,
                    data["step"],
                    actor=request.user,
                    reason=data.get("reason") or "",
                    note=data.get("note") or "",
                )
                done = _("Relocation status changed.")
        elif action == "link":
            link_form = LinkForm(request.POST)
            if link_form.is_valid():
                family_links.link_own_case(
                    relative, link_form.cleaned_data["number"], actor=request.user
                )
                done = _("Linked to the relative's own case.")
        elif action == "unlink":
            family_links.unlink_own_case(relative, actor=request.user)
            done = _("Link removed.")
        elif action is not None:
            messages.error(request, _("Choose what to do."))
    except TransitionRefused as refused:
        messages.error(request, str(refused.message))
    if done:
        messages.success(request, done)
        return redirect("family:relative", number=case.number, relative_id=relative.pk)
    own, elsewhere = family_links.own_case_shown(request.user, relative)
    return render(
        request,
        "family/relative.html",
        {
            "case": case,
            "relative": relative,
            "values": values,
            "locked_session": not unlocked,
            "own_case": own,
            "own_elsewhere": elsewhere,
            "edit_form": edit_form,
            "step_form": step_form,
            "link_form": link_form,
            "can_manage": relatives.can_manage(request.user, case),
            "steps": relatives.steps_from(relative),
        },
    )
