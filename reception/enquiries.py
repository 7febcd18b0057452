"""Relatives' enquiries (the reference programme's "I want to find"): a relative asks whether a
missing soldier is held.

    record_enquiry(case, values, actor=...)              -> Enquiry   (sealed; audited)
    matches(user, opener, sought)                        -> Matches   (no existence oracle)
    answer_enquiry(enquiry, answer, actor=..., opener=)  -> Enquiry   (status only; audited)

The enquiry is recorded on the case of the relative's own contact (his call or application),
which the staff member holds: the requester and the sought person are sealed there (identity
compartment). The sought person is matched through the blind indexes the POW registration
fills (name with date of birth, service number) against registered prisoners, and every
candidate is confirmed by decrypting its registration with the staff member's own keys.

No existence oracle (cases/links.py): of a candidate the staff member does not hold he learns
at most "possible match outside your teams: ask a supervisor", and of a restricted case he
does not hold, nothing. The answer is a status only (no record, registered, transferred):
"registered" and "transferred" need a confirmed match that he holds, so nobody can answer
from a bare blind-index candidate; when only restricted cases (secrecy promised) back the
answer, only a supervisor may give it.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from audit.log import record as audit
from cases.access import holds
from cases.links import possible_match_elsewhere
from cases.models import Case
from cases.states import NO_KEYS, PURGED, TransitionRefused
from reception.custody import Invalid, name_keys, same_name
from reception.models import CustodyEvent, Enquiry, Registration
from vault import blind, records
from vault.policy import IDENTITY
from vault.records import clear_time

CAPABILITY = "accounts.record_intake"
# Who may confirm a restricted prisoner (secrecy of the transfer promised) to a caller.
SECRECY_DECIDER = "accounts.grant_restricted_access"
REQUESTER = ("requester_name", "relation", "requester_contact")
SOUGHT = ("surname", "first_names", "date_of_birth", "service_number", "marks")


def may_enquire(user) -> bool:
    return user.has_perm(CAPABILITY)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _guard(case: Case, actor) -> None:
    if not may_enquire(actor):
        raise TransitionRefused(_("Enquiries are recorded by hotline staff."))
    if case.purged_at is not None:
        raise TransitionRefused(PURGED)
    if not holds(actor, case):
        raise TransitionRefused(NO_KEYS)


@transaction.atomic
def record_enquiry(case: Case, values: dict, *, actor) -> Enquiry:
    """Record a relative's enquiry on the case of his own contact."""
    _guard(case, actor)
    errors = {}
    for name in ("requester_name", "relation", "surname", "first_names"):
        if _blank(values.get(name)):
            errors[name] = _("This is required.")
    if values.get("date_of_birth") is None and _blank(values.get("service_number")):
        errors["date_of_birth"] = _(
            "Give his date of birth or his service number: without one nothing can match."
        )
    if errors:
        raise Invalid(errors)
    sealed = {n: str(values.get(n) or "").strip() for n in (*REQUESTER, *SOUGHT)}
    born = values.get("date_of_birth")
    sealed["date_of_birth"] = born.isoformat() if isinstance(born, date) else ""
    record = records.seal(case, IDENTITY, sealed, kind="enquiry", actor=actor)
    enquiry = Enquiry.objects.create(
        case=case, record=record, created_by=actor, created_at=clear_time(case)
    )
    audit("enquiry_recorded", actor=actor, object_type="case", object_id=case.number)
    return enquiry


@dataclass
class Matches:
    """Registered prisoners the staff member holds whose registration his keys confirm, each
    with the status it suggests; and whether a candidate lies among unrestricted cases he does
    not hold (never which, never how many; restricted ones never count)."""

    confirmed: list = field(default_factory=list)  # [(case, "registered" | "transferred")]
    elsewhere: bool = False
    # A candidate he holds whose registration his keys do not open: unconfirmed either way,
    # so the page must not say "no registered prisoner matches" without a word of it.
    unopened: bool = False


def _candidates(sought: dict) -> set:
    found = set()
    pairs = [("service_number", sought.get("service_number"))]
    if sought.get("date_of_birth"):
        # The same names the registration indexed (custody.name_keys): with or without
        # a patronymic on either side.
        names = name_keys(sought.get("surname", ""), sought.get("first_names", ""))
        pairs += [("name_dob", {"name": n, "dob": sought["date_of_birth"]}) for n in names]
    for index, value in pairs:
        if not isinstance(value, dict) and _blank(value):
            continue
        try:
            found.update(blind.candidates(index, value))
        except blind.NotIndexable:
            continue
    return found


def _same(sought: dict, registered: dict) -> bool:
    """Confirm a candidate: the same name and date of birth, or the same service number."""

    def number(text):
        try:
            return blind.normalise_service_number(text)
        except blind.NotIndexable:
            return None

    wanted = number(sought.get("service_number") or "")
    if wanted and wanted == number(registered.get("service_number") or ""):
        return True
    born = sought.get("date_of_birth")
    if not born or born != registered.get("date_of_birth"):
        return False
    return same_name(
        (sought.get("surname", ""), sought.get("first_names", "")),
        (registered.get("surname", ""), registered.get("first_names", "")),
    )


def matches(user, opener, sought: dict) -> Matches:
    """The registered prisoners matching ``sought`` as ``user`` may learn of them. ``opener``
    decrypts a record with his keys (and audits it) or raises records.NoAccess.

    The enquiry's own case is not left out: the case page links the enquiries of every case,
    so a mother's call may be recorded on her son's own registered case, and he must match."""
    ids = _candidates(sought)
    registered = {
        r.case_id: r
        for r in Registration.objects.filter(case_id__in=ids, record__isnull=False).select_related(
            "case", "record"
        )
    }
    result = Matches()
    outside = []
    for case_id, registration in registered.items():
        case = registration.case
        if not holds(user, case):
            outside.append(case_id)
            continue
        try:
            values = opener(registration.record)
        except records.NoAccess:
            result.unopened = True  # he holds the case: saying so names nothing he lacks
            continue
        if _same(sought, values):
            moved = CustodyEvent.objects.filter(case=case, kind=CustodyEvent.Kind.TRANSFER).exists()
            result.confirmed.append((case, "transferred" if moved else "registered"))
    # Restricted cases he does not hold never light this up (cases/links.py).
    result.elsewhere = possible_match_elsewhere(user, outside)
    return result


@transaction.atomic
def answer_enquiry(enquiry: Enquiry, answer: str, *, actor, opener) -> Enquiry:
    """Write the status-only answer. "registered" or "transferred" needs a match he holds and
    his keys confirm, suggesting that status; "no record" is always possible."""
    _guard(enquiry.case, actor)
    if answer not in Enquiry.Answer.values:
        raise Invalid({"answer": _("Choose an answer.")})
    if answer != Enquiry.Answer.NO_RECORD:
        try:
            sought = opener(enquiry.record)
        except records.NoAccess:
            raise TransitionRefused(_("Your keys do not open this enquiry.")) from None
        found = matches(actor, opener, sought)
        backing = [case for case, status in found.confirmed if status == answer]
        if not backing:
            raise TransitionRefused(
                _("This answer needs a registered prisoner that you hold and that matches.")
            )
        if all(case.restricted for case in backing) and not actor.has_perm(SECRECY_DECIDER):
            # Secrecy was promised: confirming him to a caller is a supervisor's decision.
            raise TransitionRefused(
                _("Secrecy was promised for this prisoner: only a supervisor may answer this.")
            )
    enquiry = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
    enquiry.answer, enquiry.answered_by = answer, actor
    enquiry.answered_at = clear_time(enquiry.case)
    enquiry.save(update_fields=["answer", "answered_by", "answered_at"])
    audit(
        "enquiry_answered",
        actor=actor,
        object_type="case",
        object_id=enquiry.case.number,
        answer=answer,
    )
    return enquiry
