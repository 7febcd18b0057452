"""Custody, prisoner-of-war registration, later custody events and capture-card tasks.

    record_custody(case, values, actor=...)         -> Custody        (sealed; card due in 7 days)
    register_pow(case, values, actor=...)           -> Registration   (Art. 17; blind indexes)
    record_event(case, kind, values, actor=...)     -> CustodyEvent   (new capture-card task)
    mark_card_sent(card, actor=...)                 -> CaptureCard
    read(request, row)                              -> dict           (keys decide; audited)

Who: a case officer (``plan_exits``: he plans and receives, DESIGN.md) whose session holds the
case (cases/access.py). Every value that identifies, locates or describes the person is sealed
in the IDENTITY compartment; each function writes its audit event (no personal data) in its
transaction. Bad values raise ``Invalid`` naming the fields, never quoting them.
"""

import re
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.log import record as audit
from cases.access import holds
from cases.models import Case
from cases.states import NO_KEYS, PURGED, TransitionRefused
from reception.models import CaptureCard, Custody, CustodyEvent, Registration
from vault import blind, records
from vault.policy import IDENTITY
from vault.records import clear_time

S = Case.Status
CAPABILITY = "accounts.plan_exits"
# Art. 70: at capture, or within one week of arrival at a camp; again on sickness, hospital
# admission or transfer.
CARD_DAYS = 7

# Art. 70's model card (GC III, Annex IV B): the state of health as the card states it.
HEALTH = {
    "good": gettext_lazy("Good health"),
    "not_wounded": gettext_lazy("Not wounded"),
    "recovered": gettext_lazy("Recovered"),
    "convalescent": gettext_lazy("Convalescent"),
    "sick": gettext_lazy("Sick"),
    "slightly_wounded": gettext_lazy("Slightly wounded"),
    "seriously_wounded": gettext_lazy("Seriously wounded"),
}

# Art. 17: the only items a prisoner must give when questioned.
COMPULSORY = ("surname", "first_names", "rank", "date_of_birth", "service_number")
# Art. 70 and 122: given only if he wants to.
OPTIONAL = (
    "father_first_name",
    "mother_maiden_name",
    "place_of_birth",
    "power",
    "unit",
    "next_of_kin",
    "mail_address",
    "health_note",
)
LABELS = {
    "surname": gettext_lazy("Surname"),
    "first_names": gettext_lazy("First names"),
    "rank": gettext_lazy("Rank"),
    "date_of_birth": gettext_lazy("Date of birth"),
    "service_number": gettext_lazy("Army, regimental, personal or serial number"),
    "father_first_name": gettext_lazy("Father's first name"),
    "mother_maiden_name": gettext_lazy("Mother's maiden name"),
    "place_of_birth": gettext_lazy("Place of birth"),
    "power": gettext_lazy("Power on which he depends"),
    "unit": gettext_lazy("Military unit"),
    "next_of_kin": gettext_lazy("Person to be informed, and address"),
    "mail_address": gettext_lazy("Address for correspondence"),
    "health_note": gettext_lazy("Health (as he wishes it stated)"),
}


def _given_names(first_names: str) -> list[str]:
    """The words of "first names" that have a letter, as blind.fold_name splits them."""
    return [w for w in re.split(r"[\s,.;\-]+", first_names or "") if any(c.isalpha() for c in w)]


def name_keys(surname: str, first_names: str) -> list[str]:
    """The names under which a person is indexed with his date of birth, and looked up: the
    whole name, and the surname with the first given name alone. Russians give a patronymic
    with their first names or leave it out (Art. 17 asks for "first names"; relatives type
    "Иван Петрович" or "Иван"), so either side may lack it; both sides fold the same way
    (blind.fold_name: word order, case, ё/е, Cyrillic and Latin spellings)."""
    given = _given_names(first_names)
    keys = [f"{first_names} {surname}"]
    if len(given) > 1:
        keys.append(f"{given[0]} {surname}")
    return keys


def same_name(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """Whether two (surname, first names) are one person's name as ``name_keys`` meets them:
    the same words in any order, or the same surname and first given name with further names
    (a patronymic) agreeing where both sides give them."""

    def split(surname, first_names):
        given = _given_names(first_names)
        try:
            core = blind.fold_name(f"{given[0] if given else ''} {surname}")
            rest = blind.fold_name(" ".join(given[1:])) if len(given) > 1 else None
        except blind.NotIndexable:
            return None, None
        return core, rest

    try:  # the whole names, in any order ("Petrovich Ivan")
        if blind.fold_name(" ".join(a)) == blind.fold_name(" ".join(b)):
            return True
    except blind.NotIndexable:
        return False
    core_a, rest_a = split(*a)
    core_b, rest_b = split(*b)
    if core_a is None or core_a != core_b:
        return False
    return rest_a is None or rest_b is None or rest_a == rest_b


class Invalid(ValueError):
    """``errors`` maps a field to a message safe to show (never a value)."""

    def __init__(self, errors: dict):
        super().__init__("invalid: " + ", ".join(sorted(errors)))
        self.errors = errors


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def may_receive(user) -> bool:
    return user.has_perm(CAPABILITY)


def _guard(case: Case, actor, states) -> Case:
    if not may_receive(actor):
        raise TransitionRefused(_("Receptions are recorded by case officers."))
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.purged_at is not None:
        raise TransitionRefused(PURGED)
    if not holds(actor, case):
        raise TransitionRefused(NO_KEYS)
    if case.status not in states:
        raise TransitionRefused(_("This is not possible in the case's current state."))
    return case


def _when(value, now, errors, field) -> None:
    if not isinstance(value, datetime):
        errors[field] = _("Give a date and time.")
    elif value > now + timedelta(minutes=5):
        errors[field] = _("This time is in the future.")


def _new_card(case: Case, reason: str, since: datetime, event=None) -> CaptureCard:
    return CaptureCard.objects.create(
        case=case,
        reason=reason,
        event=event,
        # A restricted case keeps the year of the event itself: the due date's year would
        # tell a custody or event in the last week of December.
        due_at=clear_time(case, since) if case.restricted else since + timedelta(days=CARD_DAYS),
        created_at=clear_time(case),
    )


def _card_start(case: Case, taken_at: datetime) -> datetime:
    """When the first card's week starts: custody's time as the officer gives it, but never
    after the field unit reported the handover (a late record typed with a later time must
    not push the Art. 70 deadline back). A restricted case keeps only the report's year."""
    from planning.models import EscortTask

    if case.restricted:
        return taken_at
    handed = (
        EscortTask.objects.filter(case=case, status=EscortTask.Status.HANDED_OVER)
        .exclude(last_report_at=None)
        .order_by("last_report_at")
        .values_list("last_report_at", flat=True)
        .first()
    )
    return min(taken_at, handed) if handed else taken_at


# --- custody ---------------------------------------------------------------------------------


def validate_custody(values: dict, *, now: datetime) -> dict[str, str]:
    errors: dict[str, str] = {}
    _when(values.get("taken_at"), now, errors, "taken_at")
    for name in ("place", "receiving_unit"):
        if _blank(values.get(name)):
            errors[name] = _("This is required.")
    if values.get("health") not in HEALTH:
        errors["health"] = _("Choose the state of health.")
    if not _blank(values.get("property")) and _blank(values.get("receipt_number")):
        errors["receipt_number"] = _("Property taken needs the number of the receipt given.")
    return errors


@transaction.atomic
def record_custody(case: Case, values: dict, *, actor, now: datetime | None = None) -> Custody:
    """The custody record of a case under way or received; opens the first capture-card task
    (due seven days after custody). One per case."""
    now = now or timezone.now()
    case = _guard(case, actor, (S.IN_PROGRESS, S.RECEIVED))
    if Custody.objects.filter(case=case).exists():
        raise TransitionRefused(_("The custody record exists already."))
    errors = validate_custody(values, now=now)
    if errors:
        raise Invalid(errors)
    taken_at = values["taken_at"]
    property_lines = [
        line.strip() for line in (values.get("property") or "").splitlines() if line.strip()
    ]
    sealed = {
        "taken_at": taken_at.isoformat(),
        "place": values["place"].strip(),
        "receiving_unit": values["receiving_unit"].strip(),
        "health": values["health"],
        "medical_note": (values.get("medical_note") or "").strip(),
        "property": property_lines,
        "receipt_number": (values.get("receipt_number") or "").strip(),
    }
    record = records.seal(case, IDENTITY, sealed, kind="custody", actor=actor)
    custody = Custody.objects.create(
        case=case,
        record=record,
        taken_at=clear_time(case, taken_at),
        recorded_by=actor,
        recorded_at=clear_time(case, now),
    )
    _new_card(case, CaptureCard.Reason.CAPTURE, _card_start(case, taken_at))
    audit(
        "custody_recorded",
        actor=actor,
        object_type="case",
        object_id=case.number,
        property_items=len(property_lines),
    )
    return custody


# --- registration ----------------------------------------------------------------------------


def validate_registration(values: dict, *, today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name in COMPULSORY:
        value = values.get(name)
        # A zero-width space or a lone dash is blank in all but name: no letter, no digit.
        if _blank(value) or (isinstance(value, str) and not any(c.isalnum() for c in value)):
            errors[name] = _("Art. 17: this is one of the five items he must give.")
    born = values.get("date_of_birth")
    if born is not None and not _blank(born):
        if not isinstance(born, date):
            errors["date_of_birth"] = _("Give a date.")
        elif not date(today.year - 100, 1, 1) <= born <= date(today.year - 14, 12, 31):
            errors["date_of_birth"] = _("This date of birth is not plausible.")
    if not _blank(values.get("service_number")):
        try:
            blind.normalise_service_number(values["service_number"])
        except blind.NotIndexable:
            errors.setdefault("service_number", _("Give the number as it is written."))
    if values.get("no_coercion") is not True:
        errors["no_coercion"] = _(
            "Confirm that no coercion was used: without it the registration is not recorded."
        )
    return errors


@transaction.atomic
def register_pow(case: Case, values: dict, *, actor, now: datetime | None = None) -> Registration:
    """Register a received prisoner of war with exactly the Art. 17 items (and whatever
    optional items he chose to give), the officer confirming no coercion was used. A second
    call corrects it: a new sealed version, the old record destroyed. The name with the date of
    birth and the service number feed the blind indexes, so relatives' enquiries can match."""
    now = now or timezone.now()
    case = _guard(case, actor, (S.RECEIVED, S.REGISTERED))
    if not Custody.objects.filter(case=case).exists():
        raise TransitionRefused(_("Record the custody first."))
    errors = validate_registration(values, today=now.date())
    if errors:
        raise Invalid(errors)
    sealed = {name: str(values[name]).strip() for name in COMPULSORY}
    sealed["date_of_birth"] = values["date_of_birth"].isoformat()
    sealed.update({n: str(values[n]).strip() for n in OPTIONAL if not _blank(values.get(n))})
    sealed["no_coercion_confirmed_by"] = actor.pk
    record = records.seal(case, IDENTITY, sealed, kind="registration", actor=actor)
    blind.store_many(
        case,
        [
            *(("name_dob", {"name": name, "dob": sealed["date_of_birth"]})
              for name in name_keys(sealed["surname"], sealed["first_names"])),
            ("service_number", sealed["service_number"]),
        ],
    )  # fmt: skip
    registration = Registration.objects.filter(case=case).first()
    old = registration.record_id if registration else None
    if registration is None:
        registration = Registration(case=case, version=0)
    registration.record = record
    registration.no_coercion_confirmed = True
    registration.version += 1
    registration.registered_by = actor
    registration.registered_at = clear_time(case, now)
    registration.save()
    if old is not None:
        type(record).objects.filter(pk=old).delete()  # the superseded version is shredded
    audit(
        "pow_registered" if registration.version == 1 else "pow_registration_corrected",
        actor=actor,
        object_type="case",
        object_id=case.number,
        version=registration.version,
        optional_items=sum(1 for n in OPTIONAL if n in sealed),
    )
    return registration


# --- later events and capture cards --------------------------------------------------------


@transaction.atomic
def record_event(
    case: Case, kind: str, values: dict, *, actor, now: datetime | None = None
) -> CustodyEvent:
    """Sickness, hospital admission or transfer (Art. 70): sealed details, and a new
    capture-card task due seven days after the event."""
    now = now or timezone.now()
    case = _guard(case, actor, (S.RECEIVED, S.REGISTERED))
    errors: dict[str, str] = {}
    if kind not in CustodyEvent.Kind.values:
        errors["kind"] = _("Choose what happened.")
    _when(values.get("occurred_at"), now, errors, "occurred_at")
    if kind == CustodyEvent.Kind.TRANSFER and _blank(values.get("place")):
        errors["place"] = _("A transfer needs the new place.")
    if values.get("health") and values["health"] not in HEALTH:
        errors["health"] = _("Choose the state of health.")
    if errors:
        raise Invalid(errors)
    occurred = values["occurred_at"]
    record = records.seal(
        case,
        IDENTITY,
        {
            "kind": kind,
            "occurred_at": occurred.isoformat(),
            "place": (values.get("place") or "").strip(),
            "health": values.get("health") or "",
            "note": (values.get("note") or "").strip(),
        },
        kind="custody_event",
        actor=actor,
    )
    event = CustodyEvent.objects.create(
        case=case,
        kind=kind,
        record=record,
        occurred_at=clear_time(case, occurred),
        recorded_by=actor,
        recorded_at=clear_time(case, now),
    )
    _new_card(case, kind, occurred, event=event)
    audit("custody_event", actor=actor, object_type="case", object_id=case.number, kind=kind)
    return event


@transaction.atomic
def mark_card_sent(card: CaptureCard, *, actor, now: datetime | None = None) -> CaptureCard:
    """The capture card went to his family and the Central Agency (staff confirm it)."""
    _guard(card.case, actor, (S.RECEIVED, S.REGISTERED, S.CLOSED))
    card = CaptureCard.objects.select_for_update().get(pk=card.pk)
    if card.sent_at is not None:
        raise TransitionRefused(_("This capture card is marked sent already."))
    card.sent_at, card.sent_by = clear_time(card.case, now or timezone.now()), actor
    card.save(update_fields=["sent_at", "sent_by"])
    audit(
        "capture_card_sent",
        actor=actor,
        object_type="case",
        object_id=card.case.number,
        reason=card.reason,
    )
    return card


def read(request, row) -> dict | None:
    """The sealed values of a reception row with the requesting user's keys (audited by the
    vault), or None when his keys do not open it."""
    if row is None or row.record is None or not records.can_open(request.user, row.record):
        return None
    try:
        return records.open(request, row.record)
    except records.NoAccess:
        return None


# --- what the workflow asks (cases/states.py) ------------------------------------------------


def custody_blocker(case: Case) -> str | None:
    if not Custody.objects.filter(case=case, record__isnull=False).exists():
        return _("Record the custody first (reception page).")
    return None


def registration_blocker(case: Case) -> str | None:
    # A registration row exists only once all five Art. 17 items were given and the officer
    # confirmed no coercion (register_pow validates before sealing; the constraint holds the
    # confirmation).
    if not Registration.objects.filter(
        case=case, record__isnull=False, no_coercion_confirmed=True
    ).exists():
        return _("Register him first with the five Art. 17 items (reception page).")
    return None
