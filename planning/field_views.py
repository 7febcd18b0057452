"""The field console: phone-sized pages for field liaisons, under 30 KB, no JavaScript. A
liaison sees only his own unit's tasks (point, window, signals, head count), never a case
number or anything of identity."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.log import record as audit
from planning import dropnote, escort, field, sightings
from planning.forms import SightingForm
from vault import sessions


def _liaison(request) -> None:
    if not request.user.has_perm("accounts.run_escort_tasks"):
        raise Http404


def _span(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 60:
        return _("%(m)d min") % {"m": minutes}
    return _("%(h)d h %(m)02d min") % {"h": minutes // 60, "m": minutes % 60}


def countdown(start, end, now) -> tuple[str, str]:
    """("opens", time to go) before the window, ("open", time left) during, ("closed", "")."""
    if start is None:
        return "unknown", ""
    if now < start:
        return "opens", _span((start - now).total_seconds())
    if end is not None and now < end:
        return "open", _span((end - now).total_seconds())
    return "closed", ""


@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    _liaison(request)
    now = timezone.now()
    tasks = [
        {"task": t, "countdown": countdown(t.window_start, t.window_end, now)}
        for t in escort.tasks_for(request.user)
    ]
    return render(request, "planning/field_list.html", {"tasks": tasks})


@require_GET
def task_detail(request: HttpRequest, task_id) -> HttpResponse:
    _liaison(request)
    task = escort.task_for_user(request.user, task_id)
    if not sessions.is_unlocked(request):
        return render(request, "planning/field_task.html", {"task": task, "locked": True})
    values = escort.open_task(request.user, sessions.private_key(request), task)
    now = timezone.now()
    return render(
        request,
        "planning/field_task.html",
        {
            "task": task,
            "v": values,
            "countdown": countdown(values.get("window_start"), values.get("window_end"), now),
            "fallback": countdown(values.get("fallback_start"), values.get("fallback_end"), now),
            "reports": [
                (status, label)
                for status, label in task.Status.choices
                if status in field.REPORTS
                and status != task.Status.ABORTED
                and task.status in field.NEXT[status]
            ],
        },
    )


@require_POST
def task_report(request: HttpRequest, task_id) -> HttpResponse:
    _liaison(request)
    task = escort.task_for_user(request.user, task_id)
    status = request.POST.get("status", "")
    try:
        field.report(task, status, actor=request.user, reason=request.POST.get("reason", ""))
    except escort.EscortRefused as refused:
        messages.error(request, refused.message)
        return redirect("planning:field_task", task_id=task.pk)
    messages.success(request, _("Report recorded."))
    if status in (task.Status.HANDED_OVER, task.Status.ABORTED):
        return redirect("planning:field")
    return redirect("planning:field_task", task_id=task.pk)


@require_http_methods(["GET", "POST"])
def sighting(request: HttpRequest) -> HttpResponse:
    """Report a soldier signalling surrender: a new field case for the planning team."""
    if not request.user.has_perm("accounts.report_sightings"):
        raise Http404
    form = SightingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sightings.report_sighting(
                actor=request.user,
                position=form.cleaned_data["position"],
                persons=form.cleaned_data["persons"],
                note=form.cleaned_data["note"],
            )
        except escort.EscortRefused as refused:
            messages.error(request, refused.message)
        else:
            return render(request, "planning/field_sighting_done.html")
    return render(request, "planning/field_sighting.html", {"form": form})


@require_GET
def generic_note(request: HttpRequest) -> HttpResponse:
    """The generic drop note: the published steps and channels only, nothing personal."""
    if not (
        request.user.has_perm("accounts.report_sightings")
        or request.user.has_perm("accounts.run_escort_tasks")
    ):
        raise Http404
    layout = "a4" if request.GET.get("layout") == "a4" else "a6"
    try:
        note = dropnote.generic(request.GET.get("lang", "ru"))
    except dropnote.NoChannel:
        messages.error(request, _("The programme has published no onion address or hotline."))
        return redirect("planning:field")
    audit("drop_note_printed", actor=request.user, kind="generic", layout=layout)
    response = HttpResponse(dropnote.pdf(note, layout), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="drop-note-{layout}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
