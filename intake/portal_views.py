"""The applicant portal: no accounts, no JavaScript, no IP addresses, nothing from elsewhere.

Every view is open to strangers (``login_not_required``) and none is a staff view. A codename
that is well formed but unknown, a real one with an empty inbox, a duress login and any login
after duress all end on the same inbox page, with the same status and the same queries.
"""

import functools
import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import messages
from cases.models import Case
from corridor import outbox
from intake import limits, portal, rewards, service
from intake.questionnaire import AnswerError, current, validate
from planning import times
from vault import codenames

PAGES = ("offer", "rights", "after", "drone", "genuine", "safety", "rewards")
# An inbox query for an unknown codename runs against this id, which matches nothing.
_NOBODY = uuid.UUID(int=0)


class Programme:
    """What the pages say about the programme's published channels (read per request, so that
    the settings in force are the ones shown)."""

    @property
    def portal_address(self) -> str:
        """The portal's web name: the first portal host that is not the onion address."""
        return next((h for h in settings.CORRIDOR_PORTAL_HOSTS if not h.endswith(".onion")), "")

    @property
    def onion_address(self) -> str:
        return next((h for h in settings.CORRIDOR_PORTAL_HOSTS if h.endswith(".onion")), "")

    @property
    def bot_name(self) -> str:
        return settings.CORRIDOR_BOT_NAME

    @property
    def hotline(self) -> str:
        return settings.CORRIDOR_HOTLINE


def _render(request, template: str, context: dict | None = None, status: int = 200):
    context = {"programme": Programme(), **(context or {})}
    return render(request, template, context, status=status)


def _busy(request) -> HttpResponse:
    return _render(request, "portal/busy.html", status=429)


@login_not_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return _render(request, "portal/home.html")


@login_not_required
@require_GET
def page(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in PAGES:
        raise Http404
    context = {"slug": slug}
    if slug == "rewards":
        context["rewards"] = rewards.table(request.LANGUAGE_CODE)
    return _render(request, "portal/page.html", context)


# --- applying ------------------------------------------------------------------------------------


def _question_context(request, question, answers: dict, error: str = "") -> dict:
    language = request.LANGUAGE_CODE
    q = current()
    # Counted over the questions that may still be asked, so the total never jumps up as a
    # branch opens (tests/intake/test_portal_flow.py).
    possible = q.possible(answers)
    number = [v.id for v in possible].index(question.id) + 1 if question in possible else 1
    value = answers.get(question.id)
    return {
        "question": question,
        "label": question.text(language),
        "help": question.help_text(language),
        "choices": [(c.value, question.choice_label(c.value, language)) for c in question.choices],
        "value": _shown(question, value),
        "error": error,
        "number": number,
        "total": len(possible),
        "can_go_back": number > 1,
        "expired": request.GET.get("expired") == "1" and not answers,
    }


@login_not_required
@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    """One question per page; back and next keep the answers encrypted in the portal session."""
    p = portal.load_or_start(request)
    q = current()
    answers = p.state.setdefault("answers", {})
    position = p.state.get("at")
    question = (
        q.by_id(position) if position in [x.id for x in q.questions] else q.next_question(answers)
    )
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "next")
        if action == "back":
            question = q.previous_question(answers, question)
        elif question is not None:
            try:
                value = validate(question, request.POST.get("answer"))
            except AnswerError as problem:
                error = _("%(problem)s Then press Next.") % {"problem": problem.message}
            else:
                answers[question.id] = value  # None: answered by leaving it empty
                question = _after(q, answers, question)
    p.state["at"] = question.id if question is not None else None
    if question is None:
        response = _render(request, "portal/review.html", {"rows": _review(q, answers, request)})
    elif request.method == "GET" and p.cookie and not answers:
        # A first look stores nothing: the session row is made by the first answer.
        return _render(
            request, "portal/question.html", _question_context(request, question, answers)
        )
    else:
        response = _render(
            request, "portal/question.html", _question_context(request, question, answers, error)
        )
    return portal.save(p, response)


def _after(q, answers: dict, question):
    """The next applicable question after ``question`` not yet answered, else the first gap."""
    visible = q.visible(answers)
    ids = [v.id for v in visible]
    start = ids.index(question.id) + 1 if question.id in ids else 0
    for candidate in visible[start:]:
        if candidate.id not in answers:
            return candidate
    return q.next_question(answers)


def _shown(question, value) -> str:
    """An answer as the applicant typed it: dates as DD.MM.YYYY, yes/no as the form's values."""
    if value is None:
        return ""
    if value is True or value is False:
        return "yes" if value else "no"
    if question.type == "date":
        year, month, day = str(value).split("-")
        return f"{day}.{month}.{year}"
    return str(value)


def _review(q, answers: dict, request) -> list[tuple[str, str]]:
    language = request.LANGUAGE_CODE
    rows = []
    for question in q.visible(answers):
        value = answers.get(question.id)
        if value is None:
            shown = "—"
        elif question.type == "choice":
            shown = question.choice_label(value, language)
        elif question.type == "yesno":
            shown = _("yes") if value else _("no")
        else:
            shown = _shown(question, value)
        rows.append((question.text(language), shown))
    return rows


def shown_once(request: HttpRequest) -> HttpResponse:
    """A GET of a page that only a POST shows (the codename page, the page after it): the
    codename was shown once and is kept nowhere, so say so and what to do, in his language."""
    return _render(request, "portal/shown_once.html")


def not_allowed(request: HttpRequest) -> HttpResponse:
    """Any other portal URL opened with the wrong method: a page that says what to do, never
    Django's blank 405."""
    response = _render(request, "portal/not_allowed.html", status=405)
    response["Allow"] = "POST"
    return response


@login_not_required
@sensitive_variables("submission")
@never_cache
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return shown_once(request)
    p = portal.load(request)
    if p is None or not p.state.get("answers"):
        # His answers are gone (the session ended after 20 idle minutes): say so on question 1.
        return redirect(reverse("portal:apply") + "?expired=1")
    if p.submissions >= settings.CORRIDOR_PORTAL_SESSION_SUBMISSIONS:
        return _busy(request)
    if not limits.take("portal-submit", settings.CORRIDOR_PORTAL_SUBMISSIONS_PER_MINUTE):
        return _busy(request)
    q = current()
    try:
        # The new case and the session that now names it commit together (one write
        # transaction, not two): no case is left behind with its answers still in the session.
        with transaction.atomic():
            submission = service.submit(
                q, p.state["answers"], channel=Case.Channel.PORTAL, language=request.LANGUAGE_CODE
            )
            p.submissions += 1
            p.state = {"enrolled": str(submission.case.pk)}
            portal.store(p)  # a loaded session: its cookie is already set
    except AnswerError:
        p.state["at"] = None
        return portal.save(p, redirect("portal:apply"))
    return _render(
        request,
        "portal/codename.html",
        {
            "codename": codenames.spelled(submission.codename, request.LANGUAGE_CODE),
            "phrase": submission.phrase,
            "duress_words": list(enumerate(submission.duress_words)),
        },
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def duress(request: HttpRequest) -> HttpResponse:
    """Right after applying: remember which offered word is his duress word."""
    if request.method == "GET":
        return shown_once(request)
    p = portal.load(request)
    if p is None or "enrolled" not in p.state:
        return redirect("portal:home")
    choice = request.POST.get("choice", "")
    if choice in {str(n) for n in range(codenames.DURESS_CHOICES)}:
        case = Case.objects.filter(pk=p.state["enrolled"]).first()
        if case is not None:
            service.applicant_chose_duress(case, int(choice))
    p.state = {}
    return portal.save(p, _render(request, "portal/done.html"))


# --- codename login and inbox --------------------------------------------------------------------


@login_not_required
@sensitive_post_parameters("codename")
@sensitive_variables("text", "parsed", "found")
@never_cache
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _render(request, "portal/login.html")
    if not limits.take("portal-login", settings.CORRIDOR_PORTAL_LOGINS_PER_MINUTE):
        return _busy(request)
    text = request.POST.get("codename", "")
    try:
        parsed = codenames.parse(text, request.LANGUAGE_CODE)
    except codenames.CodenameError as problem:
        return _render(request, "portal/login.html", {"error": _codename_error(problem)})
    found = codenames.lookup(parsed)
    case = found.case
    # Every well-formed login, whatever it found, queues one sealed row of the same size; the
    # worker alone acts on a duress login (intake/tasks.py). So a first duress login runs the
    # same statements and writes as an unknown, an empty or a real one (tests/intake).
    outbox.enqueue("login", case=str(case.pk) if case else None, duress=found.duress)
    p = portal.restart(request)  # a fresh session and key at every login (no fixation)
    # After duress, even the real codename sees an empty inbox: no case in the session.
    usable = case is not None and not found.duress and not case.duress
    p.state = {
        "case": str(case.pk) if usable else None,
        "key": found.secret.private_key.hex(),
        "offer": codenames.duress_offer(parsed),
    }
    return portal.save(p, redirect("portal:inbox"))


def _codename_error(problem: codenames.CodenameError) -> str:
    """What was wrong with a typed codename and what to do about it, in his language."""
    if isinstance(problem, codenames.UnknownWord):
        return _(
            "Word %(position)d, “%(word)s”, is not in our word list. Check its spelling "
            "(the first four letters are enough) and press Open again."
        ) % {"position": problem.position, "word": problem.word[:20]}
    if isinstance(problem, codenames.WrongCheckWord):
        return _(
            "One of the words is wrong. Check every word, and that they are in the right "
            "order, then press Open again."
        )
    return _(
        "A codename has %(count)d words. Type all %(count)d, with spaces between them, "
        "and press Open again."
    ) % {"count": problem.expected or codenames.word_list(codenames.LANGUAGES[0]).length + 1}


def codename_session(view):
    """Views behind a codename login get (session, case id or None, applicant key); without a
    login they send the applicant to the codename page."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        p, case_id, key = _logged_in(request)
        if p is None:
            return redirect("portal:login")
        return view(request, p, case_id, key, *args, **kwargs)

    return wrapper


def _logged_in(request) -> tuple[portal.Portal | None, str | None, bytes | None]:
    p = portal.load(request)
    if p is None or "key" not in p.state:
        return None, None, None
    return p, p.state.get("case"), bytes.fromhex(p.state["key"])


@login_not_required
@sensitive_variables("key")
@never_cache
@require_GET
@codename_session
def inbox(request: HttpRequest, p, case_id, key) -> HttpResponse:
    shown = messages.inbox(case_id or _NOBODY, key)
    messages.mark_read(case_id or _NOBODY, [m["id"] for m in shown])
    for m in shown:
        # In the zone his unit keeps, named (programmes/<programme>/planning.yaml), never in
        # the programme's own Kyiv time without a zone.
        m["at_shown"] = times.for_applicant(m["at"], request.LANGUAGE_CODE)
        if m.get("expires_at"):
            m["until_shown"] = times.for_applicant(m["expires_at"], request.LANGUAGE_CODE)
    # A later status would prove the codename real: show it only beside a message.
    status = _status(case_id if shown else None)
    response = _render(
        request,
        "portal/inbox.html",
        {
            "messages": shown,
            "status": status,
            "sent": request.GET.get("sent") == "1",
            "duress_saved": request.GET.get("duress") == "1",
            "update": _update_fields(request.LANGUAGE_CODE),
        },
    )
    return portal.save(p, response)


def _status(case_id) -> str:
    """The status in plain words. Early states, unknown codenames and duress look alike."""
    case = Case.objects.filter(pk=case_id or _NOBODY).only("status").first()
    later = {
        Case.Status.VERIFIED: _(
            "We have checked your application. Next we prepare a plan for you to leave safely. "
            "Do nothing on your own until then; log in again in a few days."
        ),
        Case.Status.PLANNING: _(
            "We are preparing your plan. The instructions will come here: log in every day or "
            "two. Do not move or act before you have them."
        ),
        Case.Status.SCHEDULED: _(
            "Your plan is ready. Read the instructions below carefully and learn them by heart. "
            "Follow only instructions that carry your recognition phrase."
        ),
    }
    if case is not None and case.status in later:
        return later[case.status]
    if case is not None:  # only passed in when there are messages to show
        return _(
            "We have received your application and written to you below. Read our message; "
            "if we ask you something, answer in the form at the bottom of this page."
        )
    return _(
        "We have received your application. An officer will read it and answer here, usually "
        "within a day or two. Log in again then. Until then, tell no one and change nothing in "
        "how you behave."
    )


@login_not_required
@sensitive_post_parameters("text")
@never_cache
@require_POST
@codename_session
def reply(request: HttpRequest, p, case_id, _key) -> HttpResponse:
    text = request.POST.get("text", "").strip()[:4000]
    return _queue_write(p, case_id, {"text": text})


def _queue_write(p: portal.Portal, case_id, payload: dict, notice: str = "sent") -> HttpResponse:
    """Seal what he wrote, and the case, to the workers' key and queue it: the same work and the
    same answer for a real, an unknown and a duress session (the worker drops what has no
    case)."""
    outbox.enqueue("applicant_write", case=case_id, **payload)
    return portal.save(p, redirect(f"{_inbox_url()}?{notice}=1"))


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
@codename_session
def duress_word(request: HttpRequest, p, case_id, _key) -> HttpResponse:
    """He sets or changes his duress word, inside his codename session. The page never says
    which word is set now, and a session opened with a duress word offers other words (see
    codenames.duress_offer): the page looks the same whoever watches."""
    offer = p.state.get("offer") or []
    if request.method == "POST":
        choice = request.POST.get("choice", "")
        if choice in {str(n) for n in range(len(offer))}:
            return _queue_write(p, case_id, {"duress": int(choice)}, notice="duress")
        return _render(
            request,
            "portal/duress.html",
            {"offer": list(enumerate(offer)), "error": _("Choose one of the words.")},
        )
    return portal.save(p, _render(request, "portal/duress.html", {"offer": list(enumerate(offer))}))


# The second stage: "I am at the front now, here is where". The questions are the
# questionnaire's own, so validation and labels stay programme data.
UPDATE_QUESTIONS = ("situation", "area")


def _update_fields(language: str) -> list[dict]:
    q = current()
    fields = []
    for qid in UPDATE_QUESTIONS:
        try:
            question = q.by_id(qid)
        except KeyError:
            continue
        fields.append(
            {
                "q": question,
                "label": question.text(language),
                "choices": [
                    (c.value, question.choice_label(c.value, language)) for c in question.choices
                ],
            }
        )
    return fields


@login_not_required
@sensitive_post_parameters()
@never_cache
@require_POST
@codename_session
def update(request: HttpRequest, p, case_id, _key) -> HttpResponse:
    """A re-contact from the portal, through the same intake service as the hotline's."""
    q = current()
    answers = {}
    for qid in UPDATE_QUESTIONS:
        try:
            answers[qid] = validate(q.by_id(qid), request.POST.get(qid))
        except (AnswerError, KeyError):
            continue
    return _queue_write(p, case_id, {"update": answers})


def _inbox_url() -> str:
    return reverse("portal:inbox")


@login_not_required
@never_cache
@require_POST
@codename_session
def delete_message(request: HttpRequest, p, case_id, _key) -> HttpResponse:
    # The message id comes in the POST body, never in the URL (which the access log keeps).
    message_id = request.POST.get("message", "")
    if message_id.isdigit() and len(message_id) < 19:
        messages.delete_read_operational(case_id or _NOBODY, int(message_id))
    return portal.save(p, redirect("portal:inbox"))


@login_not_required
@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    return portal.end(request, redirect("portal:home"))
