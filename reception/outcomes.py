"""Outcomes of a case and the guarantees promised to the man (issue 22, point 5).

    record_outcome(case, kind, actor=...)      -> Outcome     (audited)
    promise(case, kind, actor=...)             -> Guarantee   (audited)
    mark_done(case, guarantee_id, actor=...)   -> Guarantee   (audited)
    shown(request, case)                       -> dict        (sealed parts opened, audited)
    outcome_blocker(case)                      -> reason | None   (cases.states: ``close``)

In a restricted case the outcome, the kinds of guarantee and their dates are restricted
metadata (vault.policy.metadata_in_clear): they are sealed in a record of the case (identity
compartment: the named users and escrow) and the clear columns stay empty or hold the year. A
case restricted after its outcome was recorded gets the same treatment (``coarsen``, called by
cases.restriction.coarsen)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.log import record as audit
from cases.access import holds
from cases.models import Case
from cases.states import NO_KEYS, TransitionRefused
from reception.models import Guarantee, Outcome
from vault import records
from vault.models import Record
from vault.policy import IDENTITY, metadata_in_clear

CAPABILITY = "accounts.screen_cases"  # who closes a case records how it ended
# An outcome is known once the man is in Ukrainian hands; a closed case is final.
OPEN_STATES = (Case.Status.RECEIVED, Case.Status.REGISTERED)
OUTCOME_KIND = "outcome"
GUARANTEE_KIND = "guarantee"


def _check(case: Case, actor) -> None:
    if not actor.has_perm(CAPABILITY):
        raise TransitionRefused(_("Your role does not allow this step."))
    if not holds(actor, case):
        raise TransitionRefused(NO_KEYS)
    if case.status not in OPEN_STATES:
        raise TransitionRefused(
            _("An outcome is recorded once the man is received, and before the case is closed.")
        )


def _drop(record_id) -> None:
    """A replaced sealed record goes with every copy of its data key."""
    if record_id is not None:
        Record.objects.filter(pk=record_id).delete()


@transaction.atomic
def record_outcome(case: Case, kind: str, *, actor) -> Outcome:
    """Record (or correct, until the case is closed) how the case ended."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    _check(case, actor)
    if kind not in Outcome.Kind.values:
        raise TransitionRefused(_("Choose one of the outcomes."))
    now = timezone.now()
    existing = Outcome.objects.filter(case=case).first()
    outcome = existing or Outcome(case=case)
    old_record = outcome.record_id
    if metadata_in_clear(case, "outcome"):
        outcome.kind, outcome.record = kind, None
    else:
        sealed = {"kind": kind, "at": now.isoformat()}
        outcome.kind = ""
        outcome.record = records.seal(case, IDENTITY, sealed, kind=OUTCOME_KIND, actor=actor)
    outcome.recorded_by = actor
    outcome.recorded_at = records.clear_time(case, now)
    if existing is None:
        outcome.save(force_insert=True)
    else:
        outcome.save(update_fields=["kind", "record", "recorded_by", "recorded_at"])
    if old_record != outcome.record_id:
        _drop(old_record)
    audit("outcome_recorded", actor=actor, object_type="case", object_id=case, outcome=kind)
    return outcome


@transaction.atomic
def promise(case: Case, kind: str, *, actor) -> Guarantee:
    """Track a guarantee promised to the man (open until someone marks it done)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    _check(case, actor)
    if kind not in Guarantee.Kind.values:
        raise TransitionRefused(_("Choose one of the guarantees."))
    now = timezone.now()
    guarantee = Guarantee(case=case, created_by=actor, created_at=records.clear_time(case, now))
    if metadata_in_clear(case, "outcome"):
        if Guarantee.objects.filter(case=case, kind=kind).exists():
            raise TransitionRefused(_("This guarantee is already tracked."))
        guarantee.kind = kind
    else:
        sealed = {"kind": kind, "at": now.isoformat(), "done_at": None}
        guarantee.record = records.seal(case, IDENTITY, sealed, kind=GUARANTEE_KIND, actor=actor)
    guarantee.save(force_insert=True)
    audit(
        "guarantee_promised",
        actor=actor,
        object_type="case",
        object_id=case,
        guarantee=str(guarantee.pk),
        kind=kind,
    )
    return guarantee


@transaction.atomic
def mark_done(case: Case, guarantee_id, *, actor, actor_private: bytes | None = None) -> Guarantee:
    """Mark a promised guarantee kept. In a restricted case the sealed record is re-sealed
    with the true time, which needs the actor's key (``actor_private``)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    _check(case, actor)
    guarantee = Guarantee.objects.filter(case=case, pk=guarantee_id).first()
    if guarantee is None:
        raise TransitionRefused(_("No such guarantee on this case."))
    if guarantee.status == Guarantee.Status.DONE:
        raise TransitionRefused(_("This guarantee is already marked done."))
    now = timezone.now()
    kind = guarantee.kind
    if guarantee.record_id is not None:
        if actor_private is None:
            raise TransitionRefused(NO_KEYS)
        try:
            values = records.open_values(actor, actor_private, guarantee.record)
        except records.NoAccess:
            raise TransitionRefused(NO_KEYS) from None
        kind = values.get("kind", "")
        old = guarantee.record_id
        guarantee.record = records.seal(
            case,
            IDENTITY,
            {**values, "done_at": now.isoformat()},
            kind=GUARANTEE_KIND,
            actor=actor,
        )
        _drop(old)
    guarantee.status = Guarantee.Status.DONE
    guarantee.done_by = actor
    guarantee.done_at = records.clear_time(case, now)
    guarantee.save(update_fields=["status", "done_by", "done_at", "record"])
    audit(
        "guarantee_done",
        actor=actor,
        object_type="case",
        object_id=case,
        guarantee=str(guarantee.pk),
        kind=kind,
    )
    return guarantee


def outcome_blocker(case: Case):
    """Why ``case`` may not be closed yet: no outcome, or a promised guarantee still open."""
    if not Outcome.objects.filter(case=case).exists():
        return _("Record the outcome before closing the case.")
    if Guarantee.objects.filter(case=case, status=Guarantee.Status.OPEN).exists():
        return _("A promised guarantee is still open: mark it done before closing the case.")
    return None


def _opened(request, record) -> dict | None:
    if record is None or not records.can_open(request.user, record):
        return None
    try:
        return records.open(request, record)
    except records.NoAccess:
        return None


def shown(request, case: Case) -> dict:
    """The outcome and guarantees as the page shows them; sealed ones opened with the
    requesting user's keys (each opening audited), or marked locked."""
    labels = dict(Outcome.Kind.choices)
    outcome = Outcome.objects.filter(case=case).select_related("record", "recorded_by").first()
    result: dict = {"outcome": None, "guarantees": []}
    if outcome is not None:
        entry = {"row": outcome, "kind": outcome.kind, "at": outcome.recorded_at, "locked": False}
        if outcome.record_id is not None:
            values = _opened(request, outcome.record)
            entry["locked"] = values is None
            entry["kind"] = (values or {}).get("kind", "")
            entry["at"] = _when((values or {}).get("at"))
        entry["label"] = labels.get(entry["kind"], "")
        result["outcome"] = entry
    glabels = dict(Guarantee.Kind.choices)
    for g in Guarantee.objects.filter(case=case).select_related("record", "done_by", "created_by"):
        entry = {"row": g, "kind": g.kind, "at": g.created_at, "done_at": g.done_at}
        entry["locked"] = False
        if g.record_id is not None:
            values = _opened(request, g.record)
            entry["locked"] = values is None
            entry["kind"] = (values or {}).get("kind", "")
            entry["at"] = _when((values or {}).get("at"))
            entry["done_at"] = _when((values or {}).get("done_at"))
        entry["label"] = glabels.get(entry["kind"], "")
        result["guarantees"].append(entry)
    return result


def _when(value):
    from datetime import datetime

    return datetime.fromisoformat(value) if isinstance(value, str) else None


def coarsen(case: Case) -> dict:
    """``case`` is becoming restricted (cases.restriction.coarsen, inside records.restrict):
    the clear outcome and guarantee kinds move into sealed records (re-sealed to the named
    users by ``restrict``), and their dates keep only the year."""
    year = records.year_start
    outcome = Outcome.objects.filter(case=case).first()
    if outcome is not None and outcome.kind:
        sealed = {"kind": outcome.kind, "at": outcome.recorded_at.isoformat()}
        outcome.record = records.seal(case, IDENTITY, sealed, kind=OUTCOME_KIND)
        outcome.kind = ""
        outcome.recorded_at = year(outcome.recorded_at)
        outcome.save(update_fields=["record", "kind", "recorded_at"])
    for g in Guarantee.objects.filter(case=case):
        if g.kind:
            sealed = {
                "kind": g.kind,
                "at": g.created_at.isoformat(),
                "done_at": g.done_at.isoformat() if g.done_at else None,
            }
            g.record = records.seal(case, IDENTITY, sealed, kind=GUARANTEE_KIND)
            g.kind = ""
        g.created_at = year(g.created_at)
        g.done_at = g.done_at and year(g.done_at)
        g.save(update_fields=["record", "kind", "created_at", "done_at"])
    return {}
