"""The case state machine: one table of transitions, each with its guard.

``TRANSITIONS`` is the single source of truth: ``cases.states.move`` enforces it, the case page
offers exactly the moves it allows, and ``corridor workflow diagram`` draws it into
docs/workflow.md (a test fails when the drawing is stale). Preconditions that later apps fill
(a plan with point and window, every relative safe, an outcome before closing) are named
functions that refuse until the app that owns the data exists.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from audit.log import record as audit
from cases.access import holds
from cases.models import Case
from vault.records import clear_time

S = Case.Status


class TransitionRefused(Exception):
    """The guard refused; ``message`` is safe to show."""

    def __init__(self, message):
        super().__init__("transition refused")
        self.message = message


# Refused to an actor whose keys do not open the case (cases/access.py): membership, a role
# or a row an admin wrote is not enough to act.
NO_KEYS = _("Your keys do not open this case.")
# A purged case holds no personal data and gets none again (cases/retention.py).
PURGED = _("This case's personal data was deleted under the retention rule.")


# --- named preconditions --------------------------------------------------------------------


def plan_has_point_and_window(case: Case) -> str | None:
    """Scheduling needs a second-person approved instruction with a point and a window for the
    current plan, and an escort task for its field unit (planning/readiness.py)."""
    from planning.readiness import plan_blocker

    reason = plan_blocker(case)
    return str(reason) if reason else None


def family_is_safe(case: Case) -> str | None:
    """A plan marked "family first" (the default) needs every listed relative safe, and at
    least one listed (family/relatives.py ``blocker``, through planning/readiness.py)."""
    from planning.readiness import family_blocker

    reason = family_blocker(case)
    return str(reason) if reason else None


def custody_recorded(case: Case) -> str | None:
    """Received needs the custody record (time, place, receiving unit, medical state,
    property with its receipt: reception/custody.py)."""
    from reception.custody import custody_blocker

    reason = custody_blocker(case)
    return str(reason) if reason else None


def pow_registered(case: Case) -> str | None:
    """Registered needs the POW registration with the five Art. 17 items and the officer's
    confirmation that no coercion was used (reception/custody.py)."""
    from reception.custody import registration_blocker

    reason = registration_blocker(case)
    return str(reason) if reason else None


def outcome_recorded(case: Case) -> str | None:
    """Closing needs the outcome (exchange, stay, third country, joined the forces) and every
    promised guarantee marked done (reception/outcomes.py), so no promise is lost by closing."""
    from reception.outcomes import outcome_blocker

    reason = outcome_blocker(case)
    return str(reason) if reason else None


def not_restricted_without_names(case: Case) -> str | None:
    if case.restricted and not case.grants.exists():
        return str(_("A restricted case needs at least one named person."))
    return None


@dataclass(frozen=True)
class Transition:
    name: str
    label: object
    sources: tuple[str, ...]
    target: str
    capability: str
    preconditions: tuple[Callable[[Case], str | None], ...] = ()


ACTIVE = (
    S.NEW,
    S.SCREENING,
    S.INTENT_REGISTERED,
    S.VERIFIED,
    S.PLANNING,
    S.SCHEDULED,
    S.IN_PROGRESS,
)

TRANSITIONS: tuple[Transition, ...] = (
    Transition("screen", _("Start screening"), (S.NEW,), S.SCREENING, "screen_cases"),
    Transition("register_intent", _("Register intent (not yet at the front)"), (S.SCREENING,),
               S.INTENT_REGISTERED, "screen_cases"),
    Transition("verify", _("Mark verified"), (S.SCREENING, S.INTENT_REGISTERED), S.VERIFIED,
               "screen_cases"),
    Transition("plan", _("Start planning"), (S.VERIFIED,), S.PLANNING, "plan_exits"),
    Transition("schedule", _("Schedule the exit"), (S.PLANNING,), S.SCHEDULED, "plan_exits",
               (plan_has_point_and_window, family_is_safe)),
    Transition("start", _("Exit under way"), (S.SCHEDULED,), S.IN_PROGRESS, "plan_exits"),
    Transition("receive", _("Received"), (S.IN_PROGRESS,), S.RECEIVED, "plan_exits",
               (custody_recorded,)),
    Transition("register", _("Registered as POW"), (S.RECEIVED,), S.REGISTERED, "plan_exits",
               (pow_registered,)),
    Transition("close", _("Close"), (S.REGISTERED,), S.CLOSED, "screen_cases",
               (outcome_recorded,)),
    Transition("make_dormant", _("Mark dormant (contact lost)"), ACTIVE[:4], S.DORMANT,
               "screen_cases"),
    Transition("reopen", _("Reopen"), (S.DORMANT,), S.SCREENING, "screen_cases"),
    Transition("withdraw", _("Withdrawn by the applicant"), (*ACTIVE, S.DORMANT), S.WITHDRAWN,
               "screen_cases"),
    Transition("reject", _("Reject (not genuine)"), (S.NEW, S.SCREENING, S.INTENT_REGISTERED),
               S.REJECTED, "screen_cases"),
    Transition("compromise", _("Mark compromised"), (*ACTIVE, S.DORMANT), S.COMPROMISED,
               "screen_cases"),
    Transition("fail", _("Mark failed"), (S.SCHEDULED, S.IN_PROGRESS), S.FAILED, "plan_exits"),
    # The field unit's reports (planning/field.py checks that the liaison runs this case's task)
    Transition("field_start", _("En route (field unit)"), (S.SCHEDULED,), S.IN_PROGRESS,
               "run_escort_tasks"),
    Transition("field_receive", _("Handed over (field unit)"), (S.IN_PROGRESS,), S.RECEIVED,
               "run_escort_tasks"),
    Transition("field_abort", _("Aborted by the field unit"), (S.SCHEDULED, S.IN_PROGRESS),
               S.PLANNING, "run_escort_tasks"),
)  # fmt: skip
BY_NAME = {t.name: t for t in TRANSITIONS}


def allowed(case: Case, user) -> list[Transition]:
    """The moves this user may try from the case's state (preconditions are checked on move)."""
    return [
        t
        for t in TRANSITIONS
        if case.status in t.sources and user.has_perm(f"accounts.{t.capability}")
    ]


def refusal(case: Case, transition: Transition) -> str | None:
    """Why ``transition`` would be refused now by a precondition, or None: the case page shows
    it where the step's button is, instead of offering a step that ``move`` refuses. ``move``
    checks again under the case's lock."""
    for precondition in (not_restricted_without_names, *transition.preconditions):
        reason = precondition(case)
        if reason:
            return str(reason)
    return None


def _may_act_on(actor, case: Case, transition: Transition) -> bool:
    """The field unit's reports need the key of the field unit whose active escort task this
    case has (planning/escort.py); every other step needs the case (cases/access.py)."""
    if transition.capability == "run_escort_tasks":
        from planning.escort import runs_task_of

        return runs_task_of(actor, case)
    return holds(actor, case)


@transaction.atomic
def move(case: Case, name: str, *, actor) -> Case:
    """Apply transition ``name``, or raise TransitionRefused with a reason to show."""
    transition = BY_NAME.get(name)
    if transition is None:
        raise TransitionRefused(_("No such step."))
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status not in transition.sources:
        raise TransitionRefused(_("This step is not possible from the case's current state."))
    if not actor.has_perm(f"accounts.{transition.capability}"):
        raise TransitionRefused(_("Your role does not allow this step."))
    if not _may_act_on(actor, case, transition):
        raise TransitionRefused(NO_KEYS)
    if case.purged_at is not None:
        raise TransitionRefused(PURGED)
    reason = refusal(case, transition)
    if reason:
        raise TransitionRefused(reason)
    before = case.status
    case.status = transition.target
    case.status_changed_at = clear_time(case)
    case.save(update_fields=["status", "status_changed_at"])
    audit(
        "case_transition",
        actor=actor,
        object_type="case",
        object_id=case.number,
        transition=name,
        before=before,
        after=transition.target,
    )
    return case


def mermaid() -> str:
    """The state diagram, generated from TRANSITIONS (docs/workflow.md)."""
    lines = ["stateDiagram-v2", "    [*] --> new"]
    for t in TRANSITIONS:
        guard = " [guarded]" if t.preconditions else ""
        for source in t.sources:
            lines.append(f"    {source} --> {t.target}: {t.name}{guard}")
    lines.append("    closed --> [*]")
    return "\n".join(lines) + "\n"
