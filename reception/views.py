from datetime import datetime

from django.contrib import messages
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.log import record as audit
from cases import access
from cases import purged as purged_case
from cases.states import TransitionRefused
from reception import bureau, capturecard, custody, enquiries, media
from reception.forms import (
    AnswerForm,
    ConsentForm,
    CustodyForm,
    EnquiryForm,
    EventForm,
    MediaForm,
    RegistrationForm,
)
from reception.models import Custody, CustodyEvent, Media, MediaConsent, Registration
from vault import attachments, records, sessions


def _case(request: HttpRequest, number: str, *, purged: bool = False):
    """The case if the user may see reception pages and holds it. A purged case only where
    ``purged`` (the page then says its data was deleted); everywhere else "not found"."""
    if not request.user.has_perm("accounts.view_team_cases"):
        raise Http404
    case = access.case_for_user(request.user, number)
    return case if purged else purged_case.refuse(case)


def _writer(request: HttpRequest, number: str):
    if not custody.may_receive(request.user):
        raise Http404
    return _case(request, number)


def _time(values: dict | None, key: str):
    if values and values.get(key):
        return datetime.fromisoformat(values[key])
    return None


def _overview(request: HttpRequest, case) -> dict:
    """Everything the reception page shows, decrypted only where the user's keys open it."""
    unlocked = sessions.is_unlocked(request)
    held = Custody.objects.filter(case=case).select_related("record").first()
    registration = Registration.objects.filter(case=case).select_related("record").first()
    shown_custody = custody.read(request, held) if unlocked else None
    shown_registration = custody.read(request, registration) if unlocked else None
    events = []
    for event in CustodyEvent.objects.filter(case=case).select_related("record"):
        values = custody.read(request, event) if unlocked else None
        events.append({"event": event, "values": values, "at": _time(values, "occurred_at")})
    if shown_custody:
        shown_custody["health_label"] = custody.HEALTH.get(shown_custody.get("health"), "")
        shown_custody["at"] = _time(shown_custody, "taken_at")
    return {
        "case": case,
        "custody": held,
        "custody_values": shown_custody,
        "registration": registration,
        "registration_values": (
            [(custody.LABELS[n], shown_registration[n]) for n in custody.LABELS
             if shown_registration.get(n)]
            if shown_registration else None
        ),
        "events": events,
        "cards": list(case.capture_cards.select_related("sent_by")),
        "may_write": custody.may_receive(request.user),
        "locked": not unlocked,
        "custody_form": CustodyForm() if held is None else None,
        "event_form": EventForm(),
        "can_record_custody": held is None and case.status in ("in_progress", "received"),
        "can_register": held is not None and case.status in ("received", "registered"),
        "can_add_event": case.status in ("received", "registered"),
        **_media_context(request, case, unlocked),
    }  # fmt: skip


def _media_context(request: HttpRequest, case, unlocked: bool) -> dict:
    consents = []
    for consent in MediaConsent.objects.filter(case=case).select_related("record"):
        values = custody.read(request, consent) if unlocked else None
        consents.append({"consent": consent, "values": values})
    return {
        "consents": consents,
        "media": list(Media.objects.filter(case=case).select_related("uploaded_by")),
        "consent_form": ConsentForm(),
        "media_form": MediaForm(),
        "can_add_media": case.status in media.STATES,
    }


@require_GET
def reception(request: HttpRequest, number: str) -> HttpResponse:
    case = _case(request, number, purged=True)
    if case.purged_at is not None:
        return purged_case.page(request, case)
    return render(request, "reception/case.html", _overview(request, case))


def _case_form(request: HttpRequest, case, form, key: str, act, done: str) -> HttpResponse:
    """One form of the reception page: ``act(cleaned_data)`` if it is valid; the domain's
    refusal as a message, its field errors on the form; on success back to the page, otherwise
    the page again with the form as typed (status 400 when something was wrong)."""
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except TransitionRefused as refused:
            messages.error(request, refused.message)
        except custody.Invalid as invalid:
            for field, message in invalid.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, done)
            return redirect("reception:case", number=case.number)
    context = _overview(request, case)
    context[key] = form
    return render(request, "reception/case.html", context, status=400)


@sensitive_post_parameters()
@require_POST
def custody_new(request: HttpRequest, number: str) -> HttpResponse:
    case = _writer(request, number)
    return _case_form(
        request,
        case,
        CustodyForm(request.POST),
        "custody_form",
        lambda data: custody.record_custody(case, data, actor=request.user),
        _("Custody recorded. The capture card is due in 7 days."),
    )


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, number: str) -> HttpResponse:
    """POW registration: the five Art. 17 items, the rest optional, no coercion confirmed."""
    case = _writer(request, number)
    initial = None
    if request.method == "GET" and sessions.is_unlocked(request):
        # A correction starts from the registration as it stands (opening it is audited).
        current = Registration.objects.filter(case=case).select_related("record").first()
        initial = custody.read(request, current) if current else None
    form = RegistrationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            custody.register_pow(case, form.values(), actor=request.user)
        except TransitionRefused as refused:
            messages.error(request, refused.message)
            return redirect("reception:case", number=case.number)
        except custody.Invalid as invalid:
            for field, message in invalid.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("Registration saved."))
            return redirect("reception:case", number=case.number)
    status = 400 if request.method == "POST" else 200
    return render(request, "reception/register.html", {"case": case, "form": form}, status=status)


@sensitive_post_parameters()
@require_POST
def event_new(request: HttpRequest, number: str) -> HttpResponse:
    case = _writer(request, number)
    return _case_form(
        request,
        case,
        EventForm(request.POST),
        "event_form",
        lambda data: custody.record_event(case, data["kind"], data, actor=request.user),
        _("Recorded. A new capture card is due in 7 days."),
    )


@require_POST
def card_sent(request: HttpRequest, number: str, card_id) -> HttpResponse:
    case = _writer(request, number)
    card = get_object_or_404(case.capture_cards, pk=card_id)
    return _step(
        request,
        case,
        lambda: custody.mark_card_sent(card, actor=request.user),
        _("Capture card marked sent."),
    )


def _step(request: HttpRequest, case, act, done: str) -> HttpResponse:
    """A button of the reception page: ``act()``, its refusal or ``done`` as a message, back
    to the page."""
    try:
        act()
    except TransitionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, done)
    return redirect("reception:case", number=case.number)


def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    """A download that is never kept: no file on disk, no cache."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _sealed_for_export(request: HttpRequest, case):
    registration = Registration.objects.filter(case=case).select_related("record").first()
    held = Custody.objects.filter(case=case).select_related("record").first()
    if registration is None or held is None:
        return None
    if not sessions.is_unlocked(request):
        return None
    values = custody.read(request, registration)
    custody_values = custody.read(request, held)
    if values is None or custody_values is None:
        return None
    return values, custody_values


@require_GET
def card_pdf(request: HttpRequest, number: str, card_id) -> HttpResponse:
    """The capture card (Art. 70, model of Annex IV B) as a PDF, in his language."""
    case = _writer(request, number)
    card = get_object_or_404(case.capture_cards.select_related("event__record"), pk=card_id)
    opened = _sealed_for_export(request, case)
    if opened is None:
        messages.error(request, _("Register him first; your keys must open the registration."))
        return redirect("reception:case", number=case.number)
    values, custody_values = opened
    event_values = custody.read(request, card.event) if card.event_id else None
    data = capturecard.pdf(
        capturecard.fields(values, custody_values, event_values, card), case.language
    )
    audit(
        "capture_card_printed",
        actor=request.user,
        object_type="case",
        object_id=case.number,
        reason=card.reason,
    )
    # The file name names no case: a seized download must not tie him to the programme.
    return _download(data, "application/pdf", "capture-card.pdf")


@require_GET
def export(request: HttpRequest, number: str, fmt: str) -> HttpResponse:
    """The Art. 122 data for the national information bureau, as JSON or CSV (a download,
    never a file left on disk), audited without personal data."""
    case = _writer(request, number)
    if fmt not in bureau.FORMATS:
        raise Http404
    opened = _sealed_for_export(request, case)
    if opened is None:
        messages.error(request, _("Register him first; your keys must open the registration."))
        return redirect("reception:case", number=case.number)
    values, custody_values = opened
    events = [
        (event, custody.read(request, event))
        for event in CustodyEvent.objects.filter(case=case).select_related("record")
    ]
    row = bureau.row(case, values, custody_values, events)
    data, content_type = bureau.render(row, fmt)
    audit(
        "bureau_export",
        actor=request.user,
        object_type="case",
        object_id=case.number,
        format=fmt,
        fields=len(bureau.FIELDS),
    )
    return _download(data, content_type, f"pow-record.{fmt}")  # no case number, as the card


# --- Art. 13: consent, then sealed media; downloads only, never published --------------------


@sensitive_post_parameters()
@require_POST
def consent_new(request: HttpRequest, number: str) -> HttpResponse:
    case = _writer(request, number)
    return _case_form(
        request,
        case,
        ConsentForm(request.POST),
        "consent_form",
        lambda data: media.record_consent(case, data, actor=request.user),
        _("Consent recorded."),
    )


@require_POST
def consent_withdraw(request: HttpRequest, number: str, consent_id) -> HttpResponse:
    case = _writer(request, number)
    consent = get_object_or_404(case.media_consents, pk=consent_id)
    return _step(
        request,
        case,
        lambda: media.withdraw_consent(consent, actor=request.user),
        _("Consent withdrawn: no more photos or videos under it."),
    )


class _SealedUpload(MemoryFileUploadHandler):
    """Uploads stay in memory until sealed: no plaintext temporary file on disk. Larger than
    media.MAX_BYTES (plus room for the form), the file is not taken at all."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.activated = content_length <= media.MAX_BYTES + 64 * 1024


@csrf_exempt  # the upload handlers must be set before CSRF reads the body; checked below
@require_POST
def media_upload(request: HttpRequest, number: str) -> HttpResponse:
    request.upload_handlers = [_SealedUpload(request)]
    return _media_upload(request, number)


@csrf_protect
def _media_upload(request: HttpRequest, number: str) -> HttpResponse:
    case = _writer(request, number)
    form = MediaForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            media.add_media(
                case, form.cleaned_data["file"], kind=form.cleaned_data["kind"], actor=request.user
            )
        except TransitionRefused as refused:
            messages.error(request, refused.message)
            return redirect("reception:case", number=case.number)
        except custody.Invalid as invalid:
            for field, message in invalid.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("Sealed. It is never published."))
            return redirect("reception:case", number=case.number)
    elif "file" in form.errors and request.POST.get("kind"):
        form.errors["file"] = form.error_class([_("Choose a file of at most 32 MB.")])
    context = _overview(request, case)
    context["media_form"] = form
    return render(request, "reception/case.html", context, status=400)


def _opened_media(request: HttpRequest, number: str, media_id):
    case = _writer(request, number)
    item = get_object_or_404(case.media.select_related("record"), pk=media_id)
    if item.record is None or not sessions.is_unlocked(request):
        raise Http404
    try:
        return case, item, records.open(request, item.record)
    except records.NoAccess:
        raise Http404 from None


@require_GET
def media_download(request: HttpRequest, number: str, media_id) -> HttpResponse:
    """A staff download of one medium, audited; never inline, never cached."""
    case, item, values = _opened_media(request, number, media_id)
    audit(
        "media_downloaded",
        actor=request.user,
        object_type="case",
        object_id=case.number,
        kind=item.kind,
    )
    try:
        chunks = attachments.read_file(values)
        first = next(chunks)
    except attachments.BrokenFile:
        messages.error(request, _("The file is missing or damaged."))
        return redirect("reception:case", number=case.number)

    def stream():
        yield first
        yield from chunks

    response = StreamingHttpResponse(stream(), content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{item.kind}-{item.pk}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def media_delete(request: HttpRequest, number: str, media_id) -> HttpResponse:
    case, item, values = _opened_media(request, number, media_id)
    return _step(
        request,
        case,
        lambda: media.delete_media(item, actor=request.user, values=values),
        _("Deleted: the file and its keys are destroyed."),
    )


# --- relatives' enquiries ("I want to find") ------------------------------------------------


def _enquirer(request: HttpRequest, number: str, *, purged: bool = False):
    if not enquiries.may_enquire(request.user):
        raise Http404
    return _case(request, number, purged=purged)


def _opener(request: HttpRequest):
    def opener(record):
        return records.open(request, record)

    return opener


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def enquiry_list(request: HttpRequest, number: str) -> HttpResponse:
    """The enquiries recorded on this contact's case, and a form for a new one."""
    case = _enquirer(request, number, purged=True)
    if case.purged_at is not None:
        return purged_case.page(request, case)  # a POST adds nothing to it
    form = EnquiryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = enquiries.record_enquiry(case, form.cleaned_data, actor=request.user)
        except TransitionRefused as refused:
            messages.error(request, refused.message)
        except custody.Invalid as invalid:
            for field, message in invalid.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("Enquiry recorded."))
            return redirect("reception:enquiry", number=case.number, enquiry_id=made.pk)
    unlocked = sessions.is_unlocked(request)
    rows = [
        {"enquiry": e, "values": custody.read(request, e) if unlocked else None}
        for e in case.enquiries.select_related("record", "answered_by")
    ]
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "reception/enquiries.html",
        {"case": case, "rows": rows, "form": form},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def enquiry_detail(request: HttpRequest, number: str, enquiry_id) -> HttpResponse:
    """One enquiry: the sought person, the registered prisoners that match as far as the
    user may know, and the status-only answer."""
    case = _enquirer(request, number)
    enquiry = get_object_or_404(case.enquiries.select_related("record"), pk=enquiry_id)
    if not sessions.is_unlocked(request):
        raise Http404
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enquiries.answer_enquiry(
                enquiry, form.cleaned_data["answer"], actor=request.user, opener=_opener(request)
            )
        except TransitionRefused as refused:
            messages.error(request, refused.message)
        except custody.Invalid as invalid:
            for message in invalid.errors.values():
                messages.error(request, message)
        else:
            messages.success(request, _("Answer recorded."))
        return redirect("reception:enquiry", number=case.number, enquiry_id=enquiry.pk)
    values = custody.read(request, enquiry)
    found = enquiries.matches(request.user, _opener(request), values) if values else None
    return render(
        request,
        "reception/enquiry.html",
        {"case": case, "enquiry": enquiry, "values": values, "found": found, "form": form},
    )
