"""Equipment records on a case (REWARD compartment), co-defectors' shares and photos.

    record_item(case, values, *, actor)                 -> EquipmentItem  (audited)
    set_shares(item, [(case, Decimal percent)], *, actor)                  (audited)
    add_photo(item, stream, filename=, content_type=, *, actor) -> Photo   (audited)
    facts(item, opener=None)                            -> {category, schedule, handed_over_on, ...}

Every function checks its guard (capability, ``rewards.access.holds``) itself and raises
``TransitionRefused`` (message safe to show) or ``Invalid`` (field -> message).
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.log import record as audit
from cases.models import Case
from cases.states import NO_KEYS, TransitionRefused
from rewards import access, schedules
from rewards.models import EquipmentItem, Photo, Proposal, Share
from vault import attachments, records
from vault.policy import REWARD, metadata_in_clear

TEXT_FIELDS = {"model": 120, "identifiers": 500, "notes": 2000}
CHECKLIST = ("voluntary", "serviceable", "armament", "documents")
HUNDRED = Decimal(100)
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")
MAX_PHOTO = 15 * 1024 * 1024


class Invalid(ValueError):
    """``errors`` maps a field (or "__all__") to a message safe to show (never a value)."""

    def __init__(self, errors: dict):
        super().__init__("invalid: " + ", ".join(sorted(errors)))
        self.errors = errors


def _guard(actor, case, capability: str, refusal: str) -> None:
    if not actor.has_perm(f"accounts.{capability}"):
        raise TransitionRefused(refusal)
    if not access.holds(actor, case):
        raise TransitionRefused(NO_KEYS)


def validate(values: dict, *, today: date | None = None) -> dict[str, str]:
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    handed = values.get("handed_over_on")
    schedule = None
    if not isinstance(handed, date):
        errors["handed_over_on"] = _("Give the handover date.")
    elif handed > today:
        errors["handed_over_on"] = _("The handover date cannot be in the future.")
    else:
        try:
            schedule = schedules.in_force(handed)
        except schedules.NoSchedule:
            errors["handed_over_on"] = _("No reward schedule was in force on this date.")
    if schedule is not None and schedule.category(values.get("category") or "") is None:
        errors["category"] = _("Choose a category of the schedule in force on the handover date.")
    if not (values.get("model") or "").strip():
        errors["model"] = _("Give the model.")
    for name, limit in TEXT_FIELDS.items():
        if len(values.get(name) or "") > limit:
            errors[name] = _("At most %(n)d characters.") % {"n": limit}
    return errors


@transaction.atomic
def record_item(case: Case, values: dict, *, actor) -> EquipmentItem:
    """Record a piece of equipment handed over by the man of ``case`` (assessor: the actor),
    with one share of 100 % for him. Values: category, handed_over_on (date), model,
    identifiers, notes, and the checklist booleans (voluntary, serviceable, armament,
    documents)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    _guard(actor, case, "assess_rewards", _("Equipment is recorded by a finance officer."))
    errors = validate(values)
    if errors:
        raise Invalid(errors)
    schedule = schedules.in_force(values["handed_over_on"])
    now = timezone.now()
    sealed = {
        "category": values["category"],
        "schedule": schedule.id,
        "handed_over_on": values["handed_over_on"].isoformat(),
        "recorded_at": now.isoformat(),
        **{name: (values.get(name) or "").strip() for name in TEXT_FIELDS},
        **{name: bool(values.get(name)) for name in CHECKLIST},
    }
    record = records.seal(case, REWARD, sealed, kind="equipment", actor=actor)
    clear_category = metadata_in_clear(case, "equipment_category")
    clear_dates = metadata_in_clear(case, "dates")
    item = EquipmentItem.objects.create(
        case=case,
        record=record,
        category=values["category"] if clear_category else "",
        schedule=schedule.id if clear_dates else "",  # the law in force dates the handover
        handed_over_on=values["handed_over_on"] if clear_dates else None,
        assessor=actor,
        created_at=now if clear_dates else None,
    )
    Share.objects.create(item=item, case=case, percent=HUNDRED)
    audit(
        "reward_item_recorded", actor=actor, object_type="case", object_id=case, item=str(item.pk)
    )
    return item


def facts(item: EquipmentItem, opener=None) -> dict:
    """Category, schedule id, handover date and checklist of an item: from its sealed record
    when ``opener(record) -> dict`` is given (always for a restricted case), else the plain
    columns (which carry no checklist)."""
    if opener is None:
        if item.case.restricted:
            raise records.NoAccess("a restricted case's equipment needs the named user's keys")
        return {
            "category": item.category,
            "schedule": item.schedule,
            "handed_over_on": item.handed_over_on,
        }
    if item.record is None:  # purged: its sealed content is gone
        raise records.NoAccess("the equipment record was purged")
    values = dict(opener(item.record))
    values["handed_over_on"] = date.fromisoformat(values["handed_over_on"])
    return values


def _percent(value) -> Decimal | None:
    try:
        found = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    if not found.is_finite() or found.as_tuple().exponent < -2:
        return None
    return found


def validate_shares(item: EquipmentItem, shares: list[tuple[Case, object]]) -> dict[str, str]:
    """Each share above 0 and at most 100 with at most two decimals, each case once, the sum
    exactly 100 (Decimal, no rounding), the item's own case among them. A restricted case
    shares with nobody: its records are sealed to its own named people only."""
    errors: dict[str, str] = {}
    total, seen = Decimal(0), set()
    for index, (case, value) in enumerate(shares):
        percent = _percent(value)
        if percent is None or not 0 < percent <= HUNDRED:
            errors[f"share_{index}"] = _(
                "A share is a number above 0 and at most 100, with at most two decimals."
            )
            continue
        if case.pk in seen:
            errors[f"share_{index}"] = _("Each case has one share.")
        seen.add(case.pk)
        total += percent
    if not errors and total != HUNDRED:
        errors["__all__"] = _("The shares add up to %(total)s %%, not exactly 100 %%.") % {
            "total": total
        }
    if item.case_id not in seen:
        errors.setdefault("__all__", _("The case that recorded the item keeps a share."))
    if len(shares) > 1 and any(case.restricted for case, _v in shares):
        errors.setdefault("__all__", _("A restricted case does not share equipment."))
    return errors


@transaction.atomic
def set_shares(item: EquipmentItem, shares: list[tuple[Case, object]], *, actor) -> None:
    """Replace the item's shares. Refused once a proposal for it was approved: the amounts
    owed are then fixed."""
    item = EquipmentItem.objects.select_for_update().select_related("case").get(pk=item.pk)
    refusal = _("Shares are set by a finance officer.")
    _guard(actor, item.case, "assess_rewards", refusal)
    for case, _value in shares:
        if not access.holds(actor, case):
            raise TransitionRefused(NO_KEYS)
    if item.proposals.exclude(status__in=[Proposal.Status.PROPOSED, Proposal.Status.REJECTED]):
        raise TransitionRefused(_("Shares are fixed once a proposal is approved."))
    errors = validate_shares(item, shares)
    if errors:
        raise Invalid(errors)
    Share.objects.filter(item=item).delete()
    Share.objects.bulk_create(
        [Share(item=item, case=case, percent=_percent(value)) for case, value in shares]
    )
    audit(
        "reward_shares_set",
        actor=actor,
        object_type="case",
        object_id=item.case,
        item=str(item.pk),
        shares=len(shares),
    )


@transaction.atomic
def add_photo(item: EquipmentItem, stream, *, filename: str, content_type: str, size: int, actor):
    """Seal a photo of the item as an encrypted attachment of its case (REWARD)."""
    _guard(actor, item.case, "assess_rewards", _("Photos are added by a finance officer."))
    if content_type not in PHOTO_TYPES:
        raise Invalid({"photo": _("Upload a JPEG, PNG or WebP photo.")})
    if size > MAX_PHOTO:
        raise Invalid({"photo": _("A photo is at most 15 MB.")})
    record = attachments.seal_file(
        item.case,
        REWARD,
        stream,
        filename=filename[:120],
        content_type=content_type,
        actor=actor,
    )
    photo = Photo.objects.create(item=item, record=record)
    audit(
        "reward_photo_added",
        actor=actor,
        object_type="case",
        object_id=item.case,
        item=str(item.pk),
        photo=str(photo.pk),
    )
    return photo
