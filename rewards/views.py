"""Staff pages of the rewards app. Thin: an access helper, a form, one domain call, a render or
redirect. Every refusal and every bad input comes back as a translated message on the same page
with what was typed kept; nothing here decides who may do what (rewards/approvals.py does)."""

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from audit.log import record as audit
from cases.states import TransitionRefused
from rewards import access, approvals, equipment, ledger, rates, reports, schedules
from rewards.forms import (
    METHOD_LABELS,
    ItemForm,
    PaymentForm,
    PhotoForm,
    ProposalForm,
    RatesForm,
    ReverseForm,
    SharesForm,
)
from rewards.models import Entry, Photo, Proposal
from vault import attachments, records, sessions, teams


def _private(request):
    try:
        return sessions.private_key(request)
    except sessions.Locked:
        return None


def _finance_only(request) -> None:
    if not access.is_finance(request.user):
        raise Http404


def _errors(form, errors: dict) -> None:
    for field, message in errors.items():
        form.add_error(field if field in form.fields else None, message)


@require_http_methods(["GET", "POST"])
def item_list(request: HttpRequest) -> HttpResponse:
    """The equipment items whose case the user holds for rewards; a finance officer records a
    new one here."""
    _finance_only(request)
    may_record = request.user.has_perm("accounts.assess_rewards")
    posted = request.POST if request.method == "POST" else None
    form = ItemForm(posted) if may_record else None
    if request.method == "POST":
        if not may_record:
            raise Http404
        if form.is_valid():
            values = dict(form.cleaned_data)
            case = access.case_by_number(request.user, values.pop("case_number").strip())
            if case is None:
                form.add_error("case_number", _("No case with this number that your keys open."))
            else:
                try:
                    item = equipment.record_item(case, values, actor=request.user)
                except TransitionRefused as refused:
                    form.add_error(None, refused.message)
                except equipment.Invalid as invalid:
                    _errors(form, invalid.errors)
                else:
                    messages.success(request, _("Equipment recorded."))
                    return redirect("rewards:item", item_id=item.pk)
    items = access.visible_items(request.user).select_related("case").order_by("case__number")
    live = {
        p.item_id: p
        for p in Proposal.objects.filter(item__in=items).exclude(status=Proposal.Status.REJECTED)
    }
    rows = [{"item": item, "proposal": live.get(item.pk)} for item in items]
    labels = dict(_category_labels())
    for row in rows:
        row["category"] = labels.get(row["item"].category, "")
    return render(request, "rewards/list.html", {"rows": rows, "form": form})


def _category_labels():
    from rewards.forms import category_choices

    return category_choices()[1:]


def _item(request, item_id):
    item = access.visible_items(request.user).select_related("case", "assessor").filter(pk=item_id)
    found = item.first()
    if found is None:
        raise Http404
    return found


def _open(request, record) -> dict | None:
    if record is None or not records.can_open(request.user, record):
        return None
    try:
        return records.open(request, record)
    except (records.NoAccess, teams.NoTeamKey, sessions.Locked):
        return None


def _context(request, item, forms: dict) -> dict:
    values = _open(request, item.record)
    schedule = schedules.by_id((values or {}).get("schedule") or item.schedule)
    category = (
        schedule.category((values or {}).get("category") or item.category) if schedule else None
    )
    language = (request.LANGUAGE_CODE or "uk")[:2]
    proposals = []
    for proposal in item.proposals.select_related(
        "proposed_by", "approved_by", "authorised_by", "rejected_by"
    ).order_by("pk"):
        proposals.append({"proposal": proposal, "sealed": _open(request, proposal.record)})
    shares = list(item.shares.select_related("case").order_by("-percent"))
    opener = (
        (lambda r: records.open_values(request.user, _private(request), r))
        if _private(request)
        else None
    )
    beneficiaries = []
    for share in shares:
        entries = list(ledger.entries_of(share.case).filter(proposal__item=item))
        shown = []
        for entry in entries:
            try:
                amount = ledger.sealed_amount(entry, opener)
            except (records.NoAccess, ledger.LedgerTampered):
                amount = None
            shown.append({"entry": entry, "amount": amount})
        total = sum((e["amount"] for e in shown if e["amount"] is not None), start=0)
        beneficiaries.append({"share": share, "entries": shown, "balance": total})
    payments = []
    for proposal in item.proposals.all():
        for payment in proposal.payments.select_related("case", "paid_by"):
            payments.append({"payment": payment, "sealed": _open(request, payment.record)})
    live = next(
        (p["proposal"] for p in proposals if p["proposal"].status != Proposal.Status.REJECTED), None
    )
    return {
        "item": item,
        "values": values,
        "category": category.label_in(language) if category else "",
        "range": category,
        "schedule": schedule,
        "proposals": proposals,
        "live": live,
        "beneficiaries": beneficiaries,
        "payments": payments,
        "photos": item.photos.all(),
        "methods": METHOD_LABELS,
        "forms": forms,
    }


ACTIONS = ("shares", "photo", "propose", "approve", "reject", "authorise", "pay", "reverse")


@require_http_methods(["GET", "POST"])
def item_detail(request: HttpRequest, item_id) -> HttpResponse:
    """An equipment item: its sealed record (opened with the user's keys, audited), shares,
    photos, proposal and steps, payments and the ledger of each beneficiary."""
    _finance_only(request)
    item = _item(request, item_id)
    numbers = [s.case.number for s in item.shares.select_related("case")]
    forms = {
        "shares": SharesForm(),
        "photo": PhotoForm(),
        "propose": ProposalForm(),
        "pay": PaymentForm(beneficiaries=numbers),
        "reverse": ReverseForm(),
    }
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in ACTIONS:
            raise Http404
        done = _act(request, item, action, forms, numbers)
        if done:
            messages.success(request, done)
            return redirect("rewards:item", item_id=item.pk)
    return render(request, "rewards/item.html", _context(request, item, forms))


def _live_proposal(item, proposal_id):
    try:
        proposal_id = uuid.UUID(str(proposal_id))
    except ValueError:
        raise Http404 from None
    found = item.proposals.filter(pk=proposal_id).first()
    if found is None:
        raise Http404
    return found


def _act(request, item, action, forms, numbers) -> str | None:
    """Run one step; on refusal or bad input, put the errors on its form and return None."""
    user, private = request.user, _private(request)
    form = forms.get(action)
    try:
        if action == "shares":
            form = forms["shares"] = SharesForm(request.POST)
            lines = form.lines() if form.is_valid() else None
            if lines is None:
                return None
            chosen = []
            for number, percent in lines:
                case = access.case_by_number(user, number)
                if case is None:
                    form.add_error("shares", _("No case with this number that your keys open."))
                    return None
                chosen.append((case, percent))
            equipment.set_shares(item, chosen, actor=user)
            return _("Shares saved.")
        if action == "photo":
            form = forms["photo"] = PhotoForm(request.POST, request.FILES)
            if not form.is_valid():
                return None
            upload = form.cleaned_data["photo"]
            equipment.add_photo(
                item,
                upload,
                filename=upload.name,
                content_type=upload.content_type or "",
                size=upload.size,
                actor=user,
            )
            return _("Photo sealed.")
        if action == "propose":
            form = forms["propose"] = ProposalForm(request.POST)
            if not form.is_valid():
                return None
            approvals.propose(
                item,
                form.cleaned_data["amount"]
                .replace(" ", "")
                .replace("\u202f", "")
                .replace(",", "."),
                form.cleaned_data["reason"],
                actor=user,
                actor_private=private,
            )
            return _("Reward proposed.")
        if action in ("approve", "reject", "authorise"):
            form = None  # a button: refusals become a message on the page
            proposal = _live_proposal(item, request.POST.get("proposal"))
            if action == "approve":
                approvals.approve(proposal, actor=user)
                return _("Proposal approved.")
            if action == "reject":
                approvals.reject(proposal, actor=user)
                return _("Proposal rejected.")
            approvals.authorise(proposal, actor=user, actor_private=private)
            return _("Reward authorised.")
        if action == "pay":
            form = forms["pay"] = PaymentForm(request.POST, beneficiaries=numbers)
            if not form.is_valid():
                return None
            proposal = _live_proposal(item, request.POST.get("proposal"))
            share = item.shares.select_related("case").get(
                case__number=form.cleaned_data["beneficiary"]
            )
            approvals.pay(
                proposal,
                share.case,
                method=form.cleaned_data["method"],
                reference=form.cleaned_data["reference"],
                paid_on=form.cleaned_data["paid_on"],
                actor=user,
                actor_private=private,
            )
            return _("Payment recorded.")
        form = forms["reverse"] = ReverseForm(request.POST)
        if not form.is_valid():
            return None
        entry = Entry.objects.filter(pk=form.cleaned_data["entry"], proposal__item=item).first()
        if entry is None:
            raise Http404
        approvals.reverse(entry, form.cleaned_data["reason"], actor=user, actor_private=private)
        return _("Entry reversed.")
    except TransitionRefused as refused:
        _refuse(request, form, refused.message)
    except equipment.Invalid as invalid:
        if form is None:
            for message in invalid.errors.values():
                messages.error(request, message)
        else:
            _errors(form, invalid.errors)
    except records.NoAccess:
        _refuse(request, form, records.NoAccess.message)
    return None


def _refuse(request, form, message) -> None:
    if form is None:
        messages.error(request, message)
    else:
        form.add_error(None, str(message))


@require_http_methods(["GET"])
def photo(request: HttpRequest, item_id, photo_id) -> HttpResponse:
    """A photo, decrypted with the user's keys (the opening is audited by vault.records)."""
    _finance_only(request)
    item = _item(request, item_id)
    found = Photo.objects.filter(pk=photo_id, item=item).select_related("record").first()
    if found is None:
        raise Http404
    values = _open(request, found.record)
    if values is None:
        raise Http404
    try:
        chunks = list(attachments.read_file(values))
    except attachments.BrokenFile as broken:
        raise Http404 from broken
    response = HttpResponse(b"".join(chunks), content_type=values["content_type"])
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def rates_page(request: HttpRequest) -> HttpResponse:
    """Import exchange rates (finance: ``record_payouts``): every line checked, all or nothing."""
    if not request.user.has_perm("accounts.record_payouts"):
        raise Http404
    posted = request.method == "POST"
    form = RatesForm(request.POST if posted else None, request.FILES if posted else None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            done = rates.import_csv(form.cleaned_data["text"], actor=request.user)
        except rates.RatesInvalid as invalid:
            problems = invalid.problems
        else:
            messages.success(
                request,
                _("%(imported)d rates imported, %(unchanged)d already there.") % done,
            )
            return redirect("rewards:rates")
    latest = rates.Rate.objects.order_by("-on", "currency")[:20]
    return render(
        request, "rewards/rates.html", {"form": form, "problems": problems, "latest": latest}
    )


def _reporter(request) -> None:
    if not request.user.has_perm("accounts.approve_rewards"):
        raise Http404


@require_http_methods(["GET"])
def report(request: HttpRequest) -> HttpResponse:
    _reporter(request)
    labels = dict(_category_labels())
    statuses = {
        reports.RECORDED: _("Recorded"),
        reports.PAID: _("Paid"),
        **dict(Proposal.Status.choices),
    }
    found = reports.totals(request.user)
    for row in found["rows"]:
        row["label"] = labels.get(row["category"], row["category"])
        row["status_label"] = statuses.get(row["status"], row["status"])
    return render(request, "rewards/report.html", {"report": found})


@require_http_methods(["GET"])
def report_csv(request: HttpRequest) -> HttpResponse:
    _reporter(request)
    found = reports.totals(request.user)
    audit("rewards_report_exported", actor=request.user, rows=len(found["rows"]))
    response = HttpResponse(reports.as_csv(found), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="rewards-report.csv"'
    response["Cache-Control"] = "no-store"
    return response
