"""Exit plans: validate, seal (PLAN compartment), read back.

    validate(case, values, now=...)       -> {field: message}    (empty when good)
    save_plan(case, values, actor=...)    -> Plan                 (seals; audited)
    read_plan(request, plan)              -> dict                 (keys decide; audited)

``values`` is a dict of plain values: procedure, lat, lon, point_description, window_start,
window_end, fallback_start, fallback_end (aware datetimes), signal, code_word, route, approach,
persons, crew, field_unit (a Team), family_first. Only the field unit's id, the windows and
family_first are also kept in clear on the Plan row (planning/models.py says why).
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Team
from audit.log import record as audit
from cases.access import holds
from cases.models import Case
from cases.states import NO_KEYS, TransitionRefused
from planning import points, procedures, programme, times
from planning.models import Plan
from vault import possession, records
from vault.policy import PLAN
from vault.records import clear_time

# The placeholders a plan fills, each from the form field of the same name (point from
# lat/lon). The others (phrase, code, hotline, portal) come from the case and the programme.
PLAN_FIELDS = (
    "point",
    "point_description",
    "window_start",
    "window_end",
    "fallback_start",
    "fallback_end",
    "signal",
    "code_word",
    "route",
    "approach",
    "persons",
    "crew",
)
# States in which a case's plan still binds its field unit (overlap check).
ACTIVE = (Case.Status.PLANNING, Case.Status.SCHEDULED, Case.Status.IN_PROGRESS)
WINDOWS = (("window_start", "window_end"), ("fallback_start", "fallback_end"))


class PlanInvalid(ValueError):
    """``errors`` maps a field to a message safe to show (never a value)."""

    def __init__(self, errors: dict):
        super().__init__("invalid plan: " + ", ".join(sorted(errors)))
        self.errors = errors


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def validate(case: Case, values: dict, *, now: datetime | None = None) -> dict[str, str]:
    """Every problem of a plan, by field. A window in the past, shorter than the programme's
    drone flight time, or overlapping another active task of the same field unit is refused."""
    now = now or timezone.now()
    errors: dict[str, str] = {}
    procedure = procedures.all_procedures().get(values.get("procedure") or "")
    if procedure is None:
        return {"procedure": _("Choose a procedure.")}
    for name in sorted(procedure.placeholders & set(PLAN_FIELDS)):
        missing = (
            _blank(values.get("lat")) or _blank(values.get("lon"))
            if name == "point"
            else _blank(values.get(name))
        )
        if missing:
            errors[name] = _("The procedure “%(procedure)s” needs this.") % {
                "procedure": procedure.title_in(translation.get_language() or "en")
            }
    if procedure.family_first and not values.get("family_first", True):
        # The procedure tells the applicant his family goes first: the plan cannot say not.
        errors["family_first"] = _(
            "The procedure “%(procedure)s” moves the family first: this stays on with it."
        ) % {"procedure": procedure.title_in(translation.get_language() or "en")}
    minimum = timedelta(minutes=programme.current().drone_flight_minutes)
    for start_name, end_name in WINDOWS:
        start, end = values.get(start_name), values.get(end_name)
        if (start is None) != (end is None):
            errors.setdefault(end_name if start else start_name, _("Give both start and end."))
            continue
        if start is None:
            continue
        if start < now:
            errors.setdefault(start_name, _("This time is in the past."))
        if end <= start:
            errors.setdefault(end_name, _("The window must end after it starts."))
        elif end - start < minimum:
            errors.setdefault(
                end_name,
                _("A window shorter than the drone flight time (%(minutes)d minutes) is refused.")
                % {"minutes": programme.current().drone_flight_minutes},
            )
    if values.get("fallback_start") and values.get("window_end"):
        if values["fallback_start"] < values["window_end"]:
            errors.setdefault("fallback_start", _("The fallback window starts after the window."))
    for count in ("persons", "crew"):
        value = values.get(count)
        if value is not None and not 1 <= int(value) <= 50:
            errors.setdefault(count, _("Give a number from 1 to 50."))
    unit = values.get("field_unit")
    if unit is None or unit.kind != Team.Kind.FIELD_UNIT:
        errors.setdefault("field_unit", _("Choose the responsible field unit."))
    elif not errors:
        clash = overlapping(case, unit, values)
        if clash is not None:
            errors["window_start"] = _(
                "This field unit already has a task from %(start)s to %(end)s."
            ) % {"start": times.for_staff(clash[0]), "end": times.for_staff(clash[1])}
    return errors


def overlapping(case: Case, unit: Team, values: dict) -> tuple[datetime, datetime] | None:
    """The first window of another active plan of ``unit`` that overlaps one of ``values``'s
    windows (main or fallback), or None."""
    others = Plan.objects.filter(field_unit=unit, case__status__in=ACTIVE).exclude(case=case)
    for start_name, end_name in WINDOWS:
        start, end = values.get(start_name), values.get(end_name)
        if start is None or end is None:
            continue
        for other_start, other_end in WINDOWS:
            clash = (
                others.filter(
                    **{f"{other_start}__lt": end, f"{other_end}__gt": start},
                )
                .values_list(other_start, other_end)
                .first()
            )
            if clash:
                return clash
    return None


def _sealed_values(values: dict) -> dict:
    """What goes into the PLAN record: every value, JSON-able."""
    out = {}
    for key, value in values.items():
        if key == "field_unit":
            out[key] = value.pk
        elif isinstance(value, datetime):
            out[key] = value.isoformat()
        else:
            out[key] = value
    return out


def can_plan(user) -> bool:
    """A planner: may plan exits and his session holds a planning team's key (which opens
    plans); a membership row alone is not enough (vault/possession.py)."""
    if not user.has_perm("accounts.plan_exits"):
        return False
    teams = possession.teams_of(user)
    return bool(teams) and Team.objects.filter(pk__in=teams, kind=Team.Kind.PLANNING).exists()


@transaction.atomic
def save_plan(case: Case, values: dict, *, actor, now: datetime | None = None) -> Plan:
    """Seal a new version of the case's plan and destroy the previous one's record.

    Guard: the actor plans exits in a planning team; the case is in planning. Raises
    TransitionRefused for the guard and PlanInvalid naming the fields for bad values."""
    if not can_plan(actor):
        raise TransitionRefused(_("Plans are written by the planning team."))
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not holds(actor, case):
        raise TransitionRefused(NO_KEYS)
    if case.status != Case.Status.PLANNING:
        raise TransitionRefused(_("A plan is written while the case is in planning."))
    errors = validate(case, values, now=now)
    if errors:
        raise PlanInvalid(errors)
    record = records.seal(case, PLAN, _sealed_values(values), kind="plan", actor=actor)
    plan = Plan.objects.filter(case=case).first() or Plan(case=case)
    old_record_id = plan.record_id
    family_first_before = plan.family_first if plan.pk and plan.version else True
    plan.record = record
    plan.field_unit = values["field_unit"]
    clear = not case.restricted
    for start_name, end_name in WINDOWS:
        setattr(plan, start_name, values.get(start_name) if clear else None)
        setattr(plan, end_name, values.get(end_name) if clear else None)
    plan.family_first = bool(values.get("family_first", True))
    plan.version += 1
    plan.updated_by = actor
    plan.updated_at = clear_time(case)
    plan.save()
    if old_record_id is not None:
        # The superseded version's data key and ciphertext go (crypto-shredding).
        record_model = type(record)
        record_model.objects.filter(pk=old_record_id).delete()
    audit(
        "plan_saved",
        actor=actor,
        object_type="case",
        object_id=case.number,
        version=plan.version,
        procedure=values["procedure"],
        field_unit=plan.field_unit_id,
        family_first=plan.family_first,
    )
    if family_first_before and not plan.family_first:
        audit("plan_family_first_off", actor=actor, object_type="case", object_id=case.number)
    return plan


def plan_of(case: Case) -> Plan | None:
    return Plan.objects.filter(case=case).select_related("record", "field_unit").first()


def read_plan(request, plan: Plan) -> dict:
    """The plan's sealed values with the requesting user's keys (audited by vault.records),
    datetimes and the field unit turned back into objects, plus the point in both forms."""
    values = records.open(request, plan.record)
    for key in ("window_start", "window_end", "fallback_start", "fallback_end"):
        if values.get(key):
            values[key] = datetime.fromisoformat(values[key])
    values["field_unit"] = Team.objects.filter(pk=values.get("field_unit")).first()
    if values.get("lat") is not None:
        values["point"] = points.both(values["lat"], values["lon"])
    return values


def field_units():
    return Team.objects.filter(kind=Team.Kind.FIELD_UNIT).order_by("name")
