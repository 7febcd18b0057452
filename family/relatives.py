"""Relatives of an applicant and their relocation to safety (FAMILY compartment).

    can_view(user, case) / can_manage(user, case)       who may see / change a case's relatives
    validate(values)                                     -> {field: message}
    add(case, values, *, actor)                          -> Relative   (sealed; audited)
    edit(relative, values, *, actor)                     -> Relative   (new sealed version)
    step(relative, name, *, actor, reason=, note=)       -> Relative   (relocation status;
        also as contact, plan_relocation, depart, arrive, fail, retry(relative, *, actor))
    (the link to a relative's own case is family/links.py)
    read(request, relative)                              -> dict       (keys decide; audited)
    blocker(case)                                        why "family first" refuses scheduling

Everything about a person is sealed (vault.records, FAMILY: planning teams and escrow; in a
restricted case its named users and escrow). In clear: the status, its times (year only for a
restricted case) and the link to the relative's own case. Audit details hold ids and codes,
never a name, a place or a reason.

Every function that changes something takes a keyword-only ``actor``, checks his capability
(``plan_exits``), that his keys hold the case (``cases.access.holds``) and open its family
part, and writes its audit event in the same transaction.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import Team
from audit.log import record as audit
from cases.access import holds
from cases.models import Case
from cases.states import NO_KEYS, PURGED, TransitionRefused
from family.models import Relative
from vault import possession, records
from vault.models import Record
from vault.policy import FAMILY, POLICY
from vault.records import clear_time

S = Relative.Status

# Sealed values of a relative, with their length limits.
FIELDS = {"relation": 20, "name": 200, "location": 300, "contact": 200, "needs": 1000}
RELATIONS = {
    "spouse": gettext_lazy("Wife or husband"),
    "child": gettext_lazy("Child"),
    "parent": gettext_lazy("Parent"),
    "sibling": gettext_lazy("Brother or sister"),
    "partner": gettext_lazy("Partner"),
    "other": gettext_lazy("Other relative"),
}
# Why a relocation failed: a fixed list (translatable, comparable across cases) plus an
# optional note, both sealed with the relative (docs/family.md says why not in clear).
FAILURE_REASONS = {
    "unreachable": gettext_lazy("Could not be reached"),
    "declined": gettext_lazy("Declined to leave"),
    "stopped": gettext_lazy("Stopped or detained on the way"),
    "border": gettext_lazy("Turned back at the border"),
    "exposed": gettext_lazy("The relocation was exposed"),
    "unsafe": gettext_lazy("No longer safe where they are"),
    "other": gettext_lazy("Other (see the note)"),
}
NOTE_LENGTH = 1000
# A closed case or one found not genuine (a provocation) moves nobody.
FROZEN = (Case.Status.CLOSED, Case.Status.REJECTED)


@dataclass(frozen=True)
class Step:
    name: str
    label: object
    sources: tuple[str, ...]
    target: str


STEPS: tuple[Step, ...] = (
    Step("contact", gettext_lazy("Contacted"), (S.IDENTIFIED,), S.CONTACTED),
    Step("plan", gettext_lazy("Relocation planned"), (S.CONTACTED,), S.PLANNED),
    Step("depart", gettext_lazy("In transit"), (S.PLANNED,), S.IN_TRANSIT),
    Step("arrive", gettext_lazy("Safe"), (S.IN_TRANSIT,), S.SAFE),
    # A relative who is safe can stop being safe (found, threatened): the guard holds again.
    Step(
        "fail",
        gettext_lazy("Relocation failed"),
        (S.IDENTIFIED, S.CONTACTED, S.PLANNED, S.IN_TRANSIT, S.SAFE),
        S.FAILED,
    ),
    Step("retry", gettext_lazy("Try again"), (S.FAILED,), S.IDENTIFIED),
)
BY_NAME = {s.name: s for s in STEPS}


def steps_from(relative: Relative) -> list[Step]:
    return [s for s in STEPS if relative.status in s.sources]


# --- who --------------------------------------------------------------------------------------


def can_view(user, case: Case) -> bool:
    """The user's keys hold the case and open its family part: a team key of the FAMILY
    compartment's kinds (vault/policy.py), or, on a restricted case, being named on it (which
    ``holds`` already means). A membership row alone opens nothing (vault/possession.py)."""
    if not holds(user, case):
        return False
    if case.restricted:
        return True
    kinds = POLICY[FAMILY].team_kinds
    teams = sorted(possession.teams_of(user))
    return bool(teams) and Team.objects.filter(pk__in=teams, kind__in=kinds).exists()


def can_manage(user, case: Case) -> bool:
    return user.has_perm("accounts.plan_exits") and can_view(user, case)


def _guard(case: Case, actor) -> Case:
    """Lock the case and check the actor; raise TransitionRefused with a reason to show."""
    if not actor.has_perm("accounts.plan_exits"):
        raise TransitionRefused(_("Relatives are managed by the planning team."))
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.purged_at is not None:
        raise TransitionRefused(PURGED)
    if not holds(actor, case):
        raise TransitionRefused(NO_KEYS)
    if not can_view(actor, case):
        raise TransitionRefused(_("Your keys do not open the family part of this case."))
    if case.status in FROZEN:
        raise TransitionRefused(_("This case is closed: its relatives cannot be changed."))
    return case


# --- values -----------------------------------------------------------------------------------


class RelativeInvalid(ValueError):
    """``errors`` maps a field to a message safe to show (never a value)."""

    def __init__(self, errors: dict):
        super().__init__("invalid relative: " + ", ".join(sorted(errors)))
        self.errors = errors


def clean(values: dict) -> dict:
    return {name: str(values.get(name) or "").strip() for name in FIELDS}


def validate(values: dict) -> dict[str, str]:
    values = clean(values)
    errors = {}
    if values["relation"] not in RELATIONS:
        errors["relation"] = _("Choose the relation.")
    if not values["name"]:
        errors["name"] = _("Give the name.")
    for name, limit in FIELDS.items():
        if len(values[name]) > limit and name not in errors:
            errors[name] = _("At most %(n)d characters.") % {"n": limit}
    return errors


def _seal(case: Case, values: dict, actor) -> Record:
    errors = validate(values)
    if errors:
        raise RelativeInvalid(errors)
    return records.seal(case, FAMILY, clean(values), kind="relative", actor=actor)


# --- changes ----------------------------------------------------------------------------------


@transaction.atomic
def add(case: Case, values: dict, *, actor) -> Relative:
    """List a relative of the case's applicant, status "identified"."""
    case = _guard(case, actor)
    record = _seal(case, values, actor)
    now = clear_time(case)
    relative = Relative.objects.create(
        case=case, record=record, created_by=actor, created_at=now, updated_at=now
    )
    audit(
        "relative_added",
        actor=actor,
        object_type="case",
        object_id=case.number,
        relative=str(relative.pk),
    )
    return relative


def clear_now(case: Case, relative: Relative | None = None):
    """The time a relative's row may hold in clear: its year when its case, or the own case it
    is linked to, is restricted (family/restriction.py)."""
    own = relative.own_case if relative is not None and relative.own_case_id else None
    return clear_time(own if own is not None and own.restricted else case)


def lock_for_change(relative: Relative, actor) -> tuple[Case, Relative]:
    case = _guard(relative.case, actor)
    return case, Relative.objects.select_for_update().get(pk=relative.pk, case=case)


@transaction.atomic
def edit(relative: Relative, values: dict, *, actor) -> Relative:
    """Seal a new version of the relative's data and destroy the previous record."""
    case, relative = lock_for_change(relative, actor)
    record = _seal(case, values, actor)
    old = relative.record_id
    relative.record = record
    relative.version += 1
    relative.updated_at = clear_now(case, relative)
    relative.save(update_fields=["record", "version", "updated_at"])
    if old is not None:
        Record.objects.filter(pk=old).delete()  # its data keys go with it (crypto-shredding)
    audit(
        "relative_changed",
        actor=actor,
        object_type="case",
        object_id=case.number,
        relative=str(relative.pk),
        version=relative.version,
    )
    return relative


@transaction.atomic
def step(relative: Relative, name: str, *, actor, reason: str = "", note: str = "") -> Relative:
    """Move the relative's relocation one step (STEPS). "fail" needs a reason from
    FAILURE_REASONS; the reason and the note are sealed, never put in the audit detail.
    "retry" destroys the failure record: the attempt starts over."""
    chosen = BY_NAME.get(name)
    if chosen is None:
        raise TransitionRefused(_("No such step."))
    case, relative = lock_for_change(relative, actor)
    if relative.status not in chosen.sources:
        raise TransitionRefused(
            _("This step is not possible from the relative's current status (%(status)s).")
            % {"status": relative.get_status_display()}
        )
    note = (note or "").strip()
    if chosen.name == "fail":
        if reason not in FAILURE_REASONS:
            raise TransitionRefused(_("Say why the relocation failed."))
        if len(note) > NOTE_LENGTH:
            raise TransitionRefused(_("At most %(n)d characters.") % {"n": NOTE_LENGTH})
        if reason == "other" and not note:
            raise TransitionRefused(_("Describe the reason in the note."))
    before = relative.status
    old_failure = relative.failure_record_id
    fields = ["status", "updated_at"]
    if chosen.name == "fail":
        relative.failure_record = records.seal(
            case, FAMILY, {"reason": reason, "note": note}, kind="relocation_failure", actor=actor
        )
        fields.append("failure_record")
    elif old_failure is not None:
        relative.failure_record = None
        fields.append("failure_record")
    relative.status = chosen.target
    relative.updated_at = clear_now(case, relative)
    relative.save(update_fields=fields)
    if old_failure is not None and relative.failure_record_id != old_failure:
        Record.objects.filter(pk=old_failure).delete()
    audit(
        "relocation_step",
        actor=actor,
        object_type="case",
        object_id=case.number,
        relative=str(relative.pk),
        step=chosen.name,
        before=before,
        after=chosen.target,
    )
    return relative


# One function per step, as cases/workflow.py has one per transition; the table above holds
# sources and targets, ``step`` the guard, the change and the audit event.


def contact(relative: Relative, *, actor) -> Relative:
    return step(relative, "contact", actor=actor)


def plan_relocation(relative: Relative, *, actor) -> Relative:
    return step(relative, "plan", actor=actor)


def depart(relative: Relative, *, actor) -> Relative:
    return step(relative, "depart", actor=actor)


def arrive(relative: Relative, *, actor) -> Relative:
    """Safe: the "family first" guard counts him as moved."""
    return step(relative, "arrive", actor=actor)


def fail(relative: Relative, *, actor, reason: str, note: str = "") -> Relative:
    return step(relative, "fail", actor=actor, reason=reason, note=note)


def retry(relative: Relative, *, actor) -> Relative:
    return step(relative, "retry", actor=actor)


# --- reading ----------------------------------------------------------------------------------


def read(request, relative: Relative) -> dict | None:
    """The relative's sealed values (and a failure's reason and note) with the requesting
    user's keys, each opening audited by vault.records; None when his keys do not open it."""
    if relative.record is None or not records.can_open(request.user, relative.record):
        return None
    try:
        values = records.open(request, relative.record)
        if relative.failure_record is not None:
            failure = records.open(request, relative.failure_record)
            values["failure_reason"] = FAILURE_REASONS.get(failure.get("reason"), "")
            values["failure_note"] = failure.get("note", "")
    except records.NoAccess:
        return None
    values["relation_label"] = RELATIONS.get(values.get("relation"), "")
    return values


# --- the "family first" guard -----------------------------------------------------------------


def family_first(case: Case) -> bool:
    """Whether the case's plan requires the family to be safe first: the plan's flag, on by
    default and without a plan (planning/models.py); a family-first procedure cannot switch it
    off (planning/plans.py)."""
    from planning.models import Plan

    plan = Plan.objects.filter(case=case).only("family_first").first()
    return plan is None or plan.family_first


def blocker(case: Case) -> str | None:
    """Why scheduling must wait for the family, or None. With family first, every listed
    relative must be safe; none listed is refused too (someone must say who the family is, or
    switch family first off, which is audited); a failed relocation blocks until it is tried
    again or family first is switched off."""
    if not family_first(case):
        return None
    statuses = list(Relative.objects.filter(case=case).values_list("status", flat=True))
    if not statuses:
        return _(
            "Family first: no relative is listed. List the relatives, or switch family first "
            "off in the exit plan."
        )
    failed = statuses.count(S.FAILED)
    if failed:
        return ngettext(
            "Family first: the relocation of %(n)d relative failed. Try again, or switch family "
            "first off in the exit plan.",
            "Family first: the relocation of %(n)d relatives failed. Try again, or switch "
            "family first off in the exit plan.",
            failed,
        ) % {"n": failed}
    waiting = len(statuses) - statuses.count(S.SAFE)
    if waiting:
        return ngettext(
            "Family first: %(n)d relative is not safe yet.",
            "Family first: %(n)d relatives are not safe yet.",
            waiting,
        ) % {"n": waiting}
    return None
