from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from audit.log import record as audit
from cases import access
from cases.states import TransitionRefused
from planning import dropnote, escort, instructions, plans, points, readiness, times
from planning.forms import PlanForm, initial_from
from planning.models import Instruction
from vault import records, sessions
from vault.crypto import DecryptionFailed


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


# --- instructions ----------------------------------------------------------------------------


def _private(request):
    return sessions.private_key(request)


@require_http_methods(["GET"])
def instruction_list(request: HttpRequest, number: str) -> HttpResponse:
    """The case's instructions; each decrypted only for a user whose keys open it."""
    if not (plans.can_plan(request.user) or request.user.has_perm("accounts.approve_instructions")):
        raise Http404
    case = access.case_for_user(request.user, number)
    unlocked = sessions.is_unlocked(request)
    rows = []
    for instruction in case.instructions.select_related("record", "created_by", "approved_by"):
        content, genuine = None, None
        if (
            unlocked
            and instruction.record is not None
            and records.can_open(request.user, instruction.record)
        ):
            values = records.open(request, instruction.record)
            content, genuine = values.get("content"), instructions.verify(instruction, values)
        rows.append({"instruction": instruction, "content": content, "genuine": genuine})
    return render(
        request,
        "planning/instructions.html",
        {
            "case": case,
            "rows": rows,
            "can_draft": plans.can_plan(request.user) and case.status in instructions.DRAFT_STATES,
            "ready": readiness.plan_blocker(case),
            "tasks": case.escort_tasks.select_related("field_unit").order_by("-created_at")[:5],
            "units": plans.field_units(),
            "active": escort.ACTIVE,
        },
    )


@require_POST
def task_create(request: HttpRequest, number: str) -> HttpResponse:
    if not plans.can_plan(request.user):
        raise Http404
    case = access.case_for_user(request.user, number)
    try:
        escort.create_task(case, actor=request.user, actor_private=_private(request))
    except TransitionRefused as refused:
        messages.error(request, refused.message)
    except sessions.Locked:
        messages.error(request, _("Your session holds no key. Log out and in again."))
    else:
        messages.success(request, _("Escort task sealed to the field unit."))
    return redirect("planning:instructions", number=case.number)


@require_POST
def task_hand_off(request: HttpRequest, number: str, task_id) -> HttpResponse:
    if not plans.can_plan(request.user):
        raise Http404
    case = access.case_for_user(request.user, number)
    task = get_object_or_404(case.escort_tasks, pk=task_id)
    unit = plans.field_units().filter(pk=request.POST.get("unit") or 0).first()
    try:
        if unit is None:
            raise TransitionRefused(_("Choose another field unit."))
        escort.hand_off(task, unit, actor=request.user, actor_private=_private(request))
    except TransitionRefused as refused:
        messages.error(request, refused.message)
    except sessions.Locked:
        messages.error(request, _("Your session holds no key. Log out and in again."))
    else:
        messages.success(request, _("Task handed to the other unit; the old copies are deleted."))
    return redirect("planning:instructions", number=case.number)


@require_POST
def instruction_draft(request: HttpRequest, number: str) -> HttpResponse:
    if not plans.can_plan(request.user):
        raise Http404
    case = access.case_for_user(request.user, number)
    try:
        instructions.draft(case, actor=request.user, actor_private=_private(request))
    except TransitionRefused as refused:
        messages.error(request, refused.message)
    except sessions.Locked:
        messages.error(request, _("Your session holds no key. Log out and in again."))
    else:
        messages.success(request, _("Instruction drafted. It waits for approval."))
    return redirect("planning:instructions", number=case.number)


@require_POST
def instruction_release(request: HttpRequest, number: str, instruction_id) -> HttpResponse:
    if not (plans.can_plan(request.user) or request.user.has_perm("accounts.approve_instructions")):
        raise Http404
    case = access.case_for_user(request.user, number)
    instruction = get_object_or_404(case.instructions, pk=instruction_id)
    try:
        instructions.release(instruction, actor=request.user, actor_private=_private(request))
    except TransitionRefused as refused:
        messages.error(request, refused.message)
    except sessions.Locked:
        messages.error(request, _("Your session holds no key. Log out and in again."))
    else:
        messages.success(request, _("Instruction approved and delivered."))
    return redirect("planning:instructions", number=case.number)


@require_http_methods(["GET"])
def instruction_script(request: HttpRequest, number: str, instruction_id) -> HttpResponse:
    """The hotline read-out of a released instruction (operators and planners of the case)."""
    if not request.user.has_perm("accounts.record_intake"):
        raise Http404
    case = access.case_for_user(request.user, number)
    instruction = get_object_or_404(
        case.instructions.select_related("message__record"),
        pk=instruction_id,
        status=Instruction.Status.RELEASED,
    )
    record = instruction.message.record if instruction.message else None
    if record is None or not sessions.is_unlocked(request):
        raise Http404
    if not records.can_open(request.user, record):
        return render(request, "planning/script.html", {"case": case, "locked": True})
    values = records.open(request, record)
    lines = values["text"].split("\n")
    return render(
        request,
        "planning/script.html",
        {
            "case": case,
            "instruction": instruction,
            "title": lines[0],
            "steps": [line for line in lines[1:] if line.strip()],
            "code": values.get("code"),
        },
    )


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def check_code(request: HttpRequest) -> HttpResponse:
    """The hotline checks a code a caller reads from a note, for a case the operator can see.
    There is no public verifier: only here and inside the applicant's codename session."""
    if not request.user.has_perm("accounts.record_intake"):
        raise Http404
    result, number = None, request.POST.get("number", "").strip()[:20]
    if request.method == "POST":
        try:
            case = access.case_for_user(request.user, number)
        except Http404:
            messages.error(request, _("No case with this number in your teams."))
            return render(request, "planning/check_code.html", {"number": number})
        private = _private(request) if sessions.is_unlocked(request) else None
        if private is None:
            messages.error(request, _("Your session holds no key. Log out and in again."))
            return redirect("planning:check_code")

        def opener(record):
            return records.decrypt(record, records.data_key(request.user, private, record))

        result = instructions.code_matches(case.pk, request.POST.get("code", ""), opener=opener)
        audit(
            "instruction_code_checked",
            actor=request.user,
            object_type="case",
            object_id=case.number,
            matched=result,
        )
    return render(request, "planning/check_code.html", {"result": result, "number": number})


# --- drop notes ----------------------------------------------------------------------------


def _pdf_response(data: bytes, layout: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="drop-note-{layout}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def _layout(request) -> str:
    return "a4" if request.GET.get("layout") == "a4" else "a6"


@require_http_methods(["GET"])
def personal_note(request: HttpRequest, number: str, instruction_id) -> HttpResponse:
    """A personal drop note for a released instruction: the published steps, his recognition
    phrase and the instruction's code (never the point or window)."""
    if not plans.can_plan(request.user):
        raise Http404
    case = access.case_for_user(request.user, number)
    instruction = get_object_or_404(
        case.instructions.select_related("record"),
        pk=instruction_id,
        status=Instruction.Status.RELEASED,
    )
    try:
        private = _private(request)
        content = records.decrypt(
            instruction.record,
            records.data_key(request.user, private, instruction.record),
        )["content"]
        phrase = instructions.current_phrase(case, request.user, private)
        note = dropnote.personal(case.language, phrase=phrase or "—", code=content["code"])
    except (sessions.Locked, records.NoAccess, DecryptionFailed):
        messages.error(request, _("Your keys do not open this instruction."))
        return redirect("planning:instructions", number=case.number)
    except dropnote.NoChannel:
        messages.error(request, _("The programme has published no onion address or hotline."))
        return redirect("planning:instructions", number=case.number)
    layout = _layout(request)
    audit(
        "drop_note_printed",
        actor=request.user,
        object_type="case",
        object_id=case.number,
        kind="personal",
        layout=layout,
    )
    return _pdf_response(dropnote.pdf(note, layout), layout)
