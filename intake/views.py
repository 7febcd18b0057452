"""Staff side of intake: the hotline console and the watch list."""

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from cases import access, links, search
from cases.models import Case
from intake import issuing, service, watchlist
from intake.models import WatchEntry
from intake.questionnaire import AnswerError, current, validate
from vault import blind, codenames


def _read_answers(request: HttpRequest, questions) -> tuple[dict, dict]:
    """Validate every submitted answer of the one-page form; (answers, errors by id)."""
    answers, errors = {}, {}
    for question in questions:
        try:
            value = validate(question, request.POST.get(question.id))
        except AnswerError as problem:
            errors[question.id] = problem.message
            continue
        if value is not None:
            answers[question.id] = value
    return answers, errors


def _condition(questionnaire, question, language: str) -> str:
    """'Only if “Who is writing?” is “I am a serviceman”' in the operator's language."""
    if not question.when:
        return ""
    other = questionnaire.by_id(question.when["question"])
    wanted = question.when.get("in") or [question.when.get("equals")]
    answers = ", ".join(other.choice_label(str(v), language) for v in wanted)
    return _("Only if “%(question)s” is: %(answers)s") % {
        "question": other.text(language),
        "answers": answers,
    }


def _form_rows(questionnaire, language: str, answers: dict, errors: dict, raw=None) -> list[dict]:
    rows = []
    for question in questionnaire.questions:
        value = (raw or {}).get(question.id, answers.get(question.id, ""))
        rows.append(
            {
                "q": question,
                "label": question.text(language),
                "help": question.help_text(language),
                "choices": [
                    (c.value, question.choice_label(c.value, language)) for c in question.choices
                ],
                "value": "" if value is None else value,
                "error": errors.get(question.id, ""),
                "when": _condition(questionnaire, question, language),
            }
        )
    return rows


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@permission_required("accounts.record_intake", raise_exception=True)
def hotline(request: HttpRequest) -> HttpResponse:
    """The questionnaire on one page beside the call script; a new case, channel hotline."""
    q = current()
    answers, errors = {}, {}
    if request.method == "POST":
        answers, errors = _read_answers(request, q.questions)
        if not errors:
            try:
                submission = service.submit(
                    q,
                    answers,
                    channel=Case.Channel.HOTLINE,
                    language=request.POST.get("caller_language", "ru")[:2],
                    actor=request.user,
                    with_codename=bool(request.POST.get("give_codename")),
                )
            except AnswerError as problem:
                errors["general"] = problem.message
            else:
                return issued(request, submission)
    rows = _form_rows(q, request.LANGUAGE_CODE, answers, errors, request.POST or None)
    return render(
        request,
        "intake/hotline.html",
        {
            "rows": rows,
            "errors": errors,
            "general_error": errors.get("general", ""),
            "script": call_script(),
        },
    )


def call_script() -> str:
    """What the operator says, in Russian: programme data (programmes/<programme>/)."""
    path = Path(settings.CORRIDOR_PROGRAMME_DIR) / "call_script.txt"
    return path.read_text(encoding="utf-8") if path.is_file() else ""


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@permission_required("accounts.record_intake", raise_exception=True)
def later_call(request: HttpRequest) -> HttpResponse:
    """Add a later call to an existing case, found by case number or by phone."""
    from vault import sessions

    q = current()
    found, case, possible_match = [], None, False
    # Searched by POST, so that a phone number never lands in a URL, a log or the history.
    searching = request.method == "POST" and request.POST.get("operation") == "find"
    number = request.POST.get("number", "").strip() if searching else ""
    phone = request.POST.get("phone", "").strip() if searching else ""
    if number:
        found = list(access.visible_cases(request.user).filter(number=number))
    elif phone:
        try:
            found = search.search(request.user, sessions.private_key(request), "phone", phone)
        except sessions.Locked:
            messages.error(request, _("Your session holds no key. Log out and in again."))
        else:
            possible_match = not found and search.possible_match_elsewhere(
                request.user, "phone", phone
            )
    if request.method == "POST" and not searching:
        case = access.case_for_user(request.user, request.POST.get("case", ""))
        answers, errors = _read_answers(request, [x for x in q.questions if x.id in request.POST])
        note = request.POST.get("note", "").strip()[:4000]
        if errors:
            messages.error(request, _("Some answers need correcting."))
        else:
            service.recontact(
                case, q, answers, channel=Case.Channel.HOTLINE, actor=request.user, note=note
            )
            messages.success(
                request, _("The call was added to case %(number)s.") % {"number": case.number}
            )
            return redirect("intake:later_call")
    searched = bool(number or phone)
    rows = _form_rows(q, request.LANGUAGE_CODE, {}, {})
    recontact_rows = [r for r in rows if r["q"].id in ("situation", "area", "phone", "unit")]
    return render(
        request,
        "intake/later_call.html",
        {
            "found": found,
            "searched": searched,
            "number": number,
            "phone": phone,
            "rows": recontact_rows,
            "possible_match": possible_match,
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("accounts.manage_watchlist", raise_exception=True)
def watch_list(request: HttpRequest) -> HttpResponse:
    """Known provocation numbers, names and service numbers, kept only as blind indexes."""
    if not watchlist.may_keep(request.user):
        raise PermissionDenied  # a supervisor whose session opens no team key (a puppet)
    error = ""
    if request.method == "POST":
        index = request.POST.get("index", "")
        try:
            flagged = watchlist.add(
                index,
                request.POST.get("value", ""),
                reference=request.POST.get("reference", "")[:40],
                actor=request.user,
            )
        except (watchlist.BadEntry, blind.NotIndexable):
            error = _("This value cannot be added to that list. Check the kind and the spelling.")
        else:
            del flagged  # not shown: a count across all teams would be an existence oracle
            messages.success(request, _("Added. Matching cases are flagged."))
            return redirect("intake:watch_list")
    entries = WatchEntry.objects.select_related("added_by").order_by("-created_at")
    return render(
        request,
        "intake/watch_list.html",
        {"entries": entries, "error": error, "kinds": watchlist.KINDS},
    )


@require_POST
@permission_required("accounts.manage_watchlist", raise_exception=True)
def watch_remove(request: HttpRequest, entry_id: int) -> HttpResponse:
    if not watchlist.may_keep(request.user):
        raise PermissionDenied
    watchlist.remove(entry_id, actor=request.user)
    return redirect("intake:watch_list")


def issued(request: HttpRequest, submission) -> HttpResponse:
    """The page shown once after a codename is issued (hotline or re-issue), with the one grant
    to record the caller's duress word (intake/issuing.py)."""
    grant = issuing.grant(request, submission.case) if submission.codename else ""
    earlier, possible_match = links.shown_links(request.user, submission.case)
    return render(
        request,
        "intake/hotline_done.html",
        {
            "submission": submission,
            "grant": grant,
            "earlier": earlier,
            "possible_match": possible_match,
        },
    )


@require_POST
def hotline_duress(request: HttpRequest) -> HttpResponse:
    """Record which offered duress word the caller chose (an index, never the word): only with
    the grant of the page that issued his codename, once. Nobody can set or change it later;
    the applicant can, on the portal."""
    if not (
        request.user.has_perm("accounts.record_intake")
        or request.user.has_perm("accounts.screen_cases")
    ):
        raise PermissionDenied
    try:
        number = issuing.redeem(request, request.POST.get("grant", ""))
        case = access.case_for_user(request.user, number)
        choice = request.POST.get("choice", "")
        if choice not in {str(n) for n in range(codenames.DURESS_CHOICES)}:
            messages.error(
                request,
                _("No duress word was chosen. Only the applicant can set one now, on the portal."),
            )
            return redirect("intake:hotline")
        service.officer_chose_duress(case, int(choice), actor=request.user)
    except (issuing.NoGrant, service.DuressRefused):
        messages.error(
            request,
            _("A duress word can be recorded only once, right after the codename is issued."),
        )
        return redirect("intake:hotline")
    messages.success(
        request,
        _("The caller's duress word is recorded for case %(number)s.") % {"number": case.number},
    )
    return redirect("intake:hotline")
