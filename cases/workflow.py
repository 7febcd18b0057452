"""Case transitions. Each is a function with a keyword-only ``actor`` that checks its guard,
runs in a transaction, saves with ``update_fields`` and writes its audit event in the same
transaction. (The full state machine arrives with the cases issue; intake needs these.)"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Team
from audit.log import pending
from audit.log import record as audit
from audit.log import record_many as audit_many
from cases.access import holds, visible_cases
from cases.models import Alert, Case, CaseLink
from cases.numbering import next_case_number
from cases.states import NO_KEYS, PURGED, TransitionRefused, move
from vault import records
from vault.possession import named_cases_of, teams_of

__all__ = ["NO_KEYS", "PURGED", "TransitionRefused"]  # re-exported: callers catch it from here


def intake_team() -> Team | None:
    return Team.objects.filter(kind=Team.Kind.INTAKE).order_by("pk").first()


@transaction.atomic(savepoint=False)
def open_case(*, channel: str, language: str, actor=None, unverified: bool = False) -> Case:
    """A new case in state ``new`` for the intake team. Portal cases wait in triage."""
    case = Case.objects.create(
        number=next_case_number(),
        channel=channel,
        language=language,
        team=intake_team(),
        unverified=unverified,
    )
    audit(
        "case_opened",
        actor=actor,
        object_type="case",
        object_id=case,  # the case itself: the log needs no query to know it is not restricted
        channel=channel,
        unverified=unverified,
    )
    return case


def planning_team() -> Team | None:
    return Team.objects.filter(kind=Team.Kind.PLANNING).order_by("pk").first()


@transaction.atomic(savepoint=False)
def open_field_case(*, actor, language: str = "ru") -> Case:
    """A field unit saw a soldier signalling surrender (planning/sightings.py): a new case of
    channel "field" for the planning team, which plans exits and can answer at once."""
    case = Case.objects.create(
        number=next_case_number(),
        channel=Case.Channel.FIELD,
        language=language,
        team=planning_team(),
    )
    audit(
        "case_opened",
        actor=actor,
        object_type="case",
        object_id=case.number,
        channel=Case.Channel.FIELD,
        unverified=False,
    )
    return case


def touch(case: Case) -> None:
    """Record staff activity; a restricted case keeps no dates in clear
    (vault.records.restrict)."""
    if not case.restricted:
        case.updated_at = timezone.now()
        case.save(update_fields=["updated_at"])


def contact(case: Case) -> None:
    """The applicant was in touch (a message, a later call, a re-contact): silence is counted
    from now on, and a dormant case reopens for screening."""
    if not case.restricted:
        case.updated_at = case.last_contact_at = timezone.now()
        case.save(update_fields=["updated_at", "last_contact_at"])
    reopen_on_contact(case)


@transaction.atomic(savepoint=False)
def flag_watchlist(case: Case, *, via: str) -> None:
    if not case.watchlist_match:
        case.watchlist_match = True
        case.save(update_fields=["watchlist_match"])
    audit("watchlist_match", object_type="case", object_id=case.number, via=via)


@transaction.atomic(savepoint=False)
def link_possible_duplicate(case: Case, other: Case, *, via: str) -> bool:
    # A link dates both cases: a restricted one keeps only the year, and is not named in the
    # other case's event (its time would date the restricted case).
    at = records.year_start(timezone.now()) if case.restricted or other.restricted else None
    dated = {"created_at": at} if at else {}
    _link, created = CaseLink.objects.get_or_create(case=case, other=other, via=via, defaults=dated)
    CaseLink.objects.get_or_create(case=other, other=case, via=via, defaults=dated)
    if created and other.restricted and not case.restricted:
        # Told on the restricted case (sealed to its named people), never on the other's
        # timeline, where "possible duplicate" beside no link would say a restricted case
        # matched (cases/links.py: no existence oracle).
        audit("possible_duplicate", object_type="case", object_id=other, other=case.number, via=via)
    elif created:
        audit(
            "possible_duplicate",
            object_type="case",
            object_id=case,
            other="" if other.restricted else other.number,
            via=via,
        )
    return created


@transaction.atomic(savepoint=False)
def link_new_case(case: Case, candidates: list[tuple[str, object, str]]) -> int:
    """Link a case opened in this transaction to its candidates, (index name, other case id,
    other case number) each: both directions and one audit event per pair, as
    ``link_possible_duplicate`` writes them, but in one insert and one audit append. Nobody
    else can have linked a case that is not committed yet, so there is no link to look for
    and no insert to race with."""
    pairs = dict.fromkeys((via, other) for via, other, _number in candidates)
    numbers = {other: number for _via, other, number in candidates}
    # A restricted candidate keeps only the year on its links and is not named in the event.
    restricted = set(
        Case.objects.filter(pk__in=numbers, restricted=True).values_list("pk", flat=True)
        if pairs
        else ()
    )
    hidden = {other: numbers[other] for other in restricted}
    for other in restricted:
        numbers[other] = ""
    now = timezone.now()

    def at(other):
        return records.year_start(now) if other in restricted else now

    CaseLink.objects.bulk_create(
        [CaseLink(case=case, other_id=other, via=via, created_at=at(other)) for via, other in pairs]
        + [
            CaseLink(case_id=other, other=case, via=via, created_at=at(other))
            for via, other in pairs
        ]
    )
    # A link to a restricted case is told on that case (sealed), not on the new case's
    # timeline (link_possible_duplicate).
    audit_many(
        [
            pending(
                "possible_duplicate",
                object_type="case",
                object_id=hidden[other] if other in restricted else case,
                other=case.number if other in restricted else numbers[other],
                via=via,
            )
            for via, other in pairs
        ]
    )
    return len(pairs)


@transaction.atomic
def mark_duress(case: Case) -> None:
    """Duress login: the case is compromised and flagged; from now on every codename login
    shows an empty inbox until an officer re-establishes contact by another channel."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    case.status, case.duress = Case.Status.COMPROMISED, True
    case.status_changed_at = records.clear_time(case)
    case.save(update_fields=["status", "duress", "status_changed_at"])
    audit("duress_login", object_type="case", object_id=case.number)


@transaction.atomic
def discard_unverified(cases: list[Case], *, actor) -> int:
    """Supervisor's bulk discard of flood or junk from the portal triage queue: the cases are
    rejected and their sealed data crypto-shredded (data keys, records, indexes deleted)."""
    if not actor.has_perm("accounts.triage_portal"):
        raise TransitionRefused("triage needs a supervisor")
    done = 0
    # Only cases the actor's keys open (cases/access.py).
    for case in (
        visible_cases(actor)
        .select_for_update()
        .filter(pk__in=[c.pk for c in cases], unverified=True)
    ):
        case.records.all().delete()
        case.blind_indexes.all().delete()
        case.status, case.unverified = Case.Status.REJECTED, False
        case.status_changed_at = records.clear_time(case)
        case.save(update_fields=["status", "unverified", "status_changed_at"])
        audit("case_discarded", actor=actor, object_type="case", object_id=case.number)
        done += 1
    return done


@transaction.atomic
def keep_unverified(cases: list[Case], *, actor) -> int:
    if not actor.has_perm("accounts.triage_portal"):
        raise TransitionRefused("triage needs a supervisor")
    kept = visible_cases(actor).filter(pk__in=[c.pk for c in cases], unverified=True)
    numbers = list(kept.values_list("number", flat=True))
    kept.update(unverified=False)
    for number in numbers:
        audit("case_kept", actor=actor, object_type="case", object_id=number)
    return len(numbers)


@transaction.atomic
def clear_duress(case: Case, *, actor) -> None:
    """Contact re-established by another channel: new codenames work again. The case stays
    compromised until the officer moves it on."""
    if case.duress:
        case.duress = False
        case.save(update_fields=["duress"])
        audit("duress_cleared", actor=actor, object_type="case", object_id=case.number)


@transaction.atomic
def raise_alerts(case: Case, *, field_units: list[Team]) -> int:
    """Duress: alert the case's team (with the case number) and every field unit whose escort
    task was cancelled (the task only, never the identity)."""
    made, at = [], records.clear_time(case)
    if case.team_id is not None:
        made.append(Alert(case=case, team_id=case.team_id, kind=Alert.Kind.DURESS, created_at=at))
    made += [
        Alert(case=case, team=unit, kind=Alert.Kind.ESCORT_CANCELLED, created_at=at)
        for unit in field_units
    ]
    Alert.objects.bulk_create(made)
    audit("alerts_raised", object_type="case", object_id=case.number, teams=len(made))
    return len(made)


def _alerts_for(user) -> Q:
    """The alerts of the teams whose key the user holds, except that a duress alert of a
    restricted case (it names the case) goes only to the people the case names and who hold
    it, whatever their team: its team's other members must not learn of it."""
    restricted_duress = Q(kind=Alert.Kind.DURESS, case__restricted=True)
    return (Q(team_id__in=sorted(teams_of(user))) & ~restricted_duress) | (
        restricted_duress & Q(case_id__in=sorted(named_cases_of(user)))
    )


def open_alerts(user) -> list[Alert]:
    """Alerts of the teams whose key the user holds in this request (vault/possession.py): an
    alert names a case, so a membership row alone shows none."""
    return list(
        Alert.objects.filter(_alerts_for(user), acknowledged_at=None)
        .select_related("case", "team")
        .order_by("-created_at")[:50]
    )


@transaction.atomic
def acknowledge_alert(alert_id: int, *, actor) -> bool:
    alert = (
        Alert.objects.select_for_update()
        .filter(_alerts_for(actor), pk=alert_id, acknowledged_at=None)
        .first()
    )
    if alert is None:
        return False
    alert.acknowledged_at, alert.acknowledged_by = records.clear_time(alert.case), actor
    alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
    audit("alert_acknowledged", actor=actor, object_type="case", object_id=alert.case)
    return True


@transaction.atomic
def assign(case: Case, assignee, *, actor) -> None:
    """A supervisor gives the case to a member of its team (or takes it back with None)."""
    if not actor.has_perm("accounts.assign_cases"):
        raise TransitionRefused(_("Only a supervisor assigns cases."))
    if not holds(actor, case):
        raise TransitionRefused(NO_KEYS)
    if assignee is not None and not holds_seal(assignee, case):
        raise TransitionRefused(
            _("Cases are assigned to members of the case's team who hold its key.")
        )
    case.assignee = assignee
    case.save(update_fields=["assignee"])
    audit(
        "case_assigned",
        actor=actor,
        object_type="case",
        object_id=case.number,
        assignee=getattr(assignee, "pk", None),
    )


def holds_seal(user, case: Case) -> bool:
    """Whether ``user`` (not the one acting: his key cannot be opened here) is a member of the
    case's team holding a seal of its active key, or, on a restricted case, is named and holds
    a data key of it. Only the user himself can prove the seal opens; this keeps a pending
    member, who could open nothing, from being given a case."""
    from vault.models import RecordKey, TeamKeySeal

    if case.restricted:
        return (
            case.grants.filter(user=user).exists()
            and RecordKey.objects.filter(
                kind=RecordKey.Kind.USER, user=user, record__case=case
            ).exists()
        )
    return (
        case.team_id is not None
        and user.memberships.filter(team_id=case.team_id).exists()
        and TeamKeySeal.objects.filter(
            user=user, team_key__team_id=case.team_id, team_key__retired_at=None
        ).exists()
    )


@transaction.atomic
def add_note(case: Case, text: str, *, actor) -> None:
    """Internal notes are personal data: sealed to the identity compartment's readers."""
    from vault import records
    from vault.policy import IDENTITY

    if not holds(actor, case):
        raise TransitionRefused(NO_KEYS)
    if case.purged_at is not None:
        raise TransitionRefused(PURGED)
    records.seal(case, IDENTITY, {"note": text}, kind="note", actor=actor)
    touch(case)
    audit("note_added", actor=actor, object_type="case", object_id=case.number)


# States from which silence makes a case dormant (later states are in the field's hands).
QUIET_STATES = (
    Case.Status.NEW,
    Case.Status.SCREENING,
    Case.Status.INTENT_REGISTERED,
    Case.Status.VERIFIED,
)


@transaction.atomic
def mark_dormant_after_silence(now=None) -> list[str]:
    """Cases without the applicant's contact for CORRIDOR_DORMANT_AFTER_DAYS become dormant
    (system step, run daily by deploy/systemd/corridor-cases-dormant.timer)."""
    from datetime import timedelta

    from django.conf import settings

    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.CORRIDOR_DORMANT_AFTER_DAYS)
    quiet = Case.objects.select_for_update().filter(
        status__in=QUIET_STATES, restricted=False, last_contact_at__lt=cutoff
    )
    numbers = []
    for case in quiet:
        before = case.status
        case.status = Case.Status.DORMANT
        case.status_changed_at = records.clear_time(case, now)
        case.save(update_fields=["status", "status_changed_at"])
        audit(
            "case_transition",
            object_type="case",
            object_id=case.number,
            transition="dormant_after_silence",
            before=before,
            after=Case.Status.DORMANT,
        )
        numbers.append(case.number)
    return numbers


def reopen_on_contact(case: Case) -> None:
    """New contact from the applicant reopens a dormant case for screening."""
    if case.status == Case.Status.DORMANT:
        case.status = Case.Status.SCREENING
        case.status_changed_at = records.clear_time(case)
        case.save(update_fields=["status", "status_changed_at"])
        audit(
            "case_transition",
            object_type="case",
            object_id=case.number,
            transition="reopen_on_contact",
            before=Case.Status.DORMANT,
            after=Case.Status.SCREENING,
        )


# --- one function per transition (the table in cases/states.py holds guard and target) -----
# Each checks its guard (the actor's capability, the source state, the named preconditions)
# and writes its audit event in the same transaction, through states.move.


def screen(case: Case, *, actor) -> Case:
    """Start screening a new case."""
    return move(case, "screen", actor=actor)


def register_intent(case: Case, *, actor) -> Case:
    """He is not yet at the front: intent registered, waits for his re-contact."""
    return move(case, "register_intent", actor=actor)


def verify(case: Case, *, actor) -> Case:
    """Screening confirmed he is who he says (personal data, service number)."""
    return move(case, "verify", actor=actor)


def plan(case: Case, *, actor) -> Case:
    """Start planning the exit of a verified case."""
    return move(case, "plan", actor=actor)


def schedule(case: Case, *, actor) -> Case:
    """Schedule the exit: needs an approved plan with point and window, and a safe family for
    a "family first" plan (named preconditions in cases/states.py)."""
    return move(case, "schedule", actor=actor)


def start(case: Case, *, actor) -> Case:
    """The exit is under way."""
    return move(case, "start", actor=actor)


def receive(case: Case, *, actor) -> Case:
    """He was received at the handover point."""
    return move(case, "receive", actor=actor)


def register(case: Case, *, actor) -> Case:
    """Registered as a prisoner of war."""
    return move(case, "register", actor=actor)


def close(case: Case, *, actor) -> Case:
    """Close a registered case."""
    return move(case, "close", actor=actor)


def make_dormant(case: Case, *, actor) -> Case:
    """Contact lost: the case waits, and reopens on his next contact."""
    return move(case, "make_dormant", actor=actor)


def reopen(case: Case, *, actor) -> Case:
    """Reopen a dormant case for screening."""
    return move(case, "reopen", actor=actor)


def withdraw(case: Case, *, actor) -> Case:
    """The applicant withdrew."""
    return move(case, "withdraw", actor=actor)


def reject(case: Case, *, actor) -> Case:
    """Not genuine (a probe or a provocation)."""
    return move(case, "reject", actor=actor)


def compromise(case: Case, *, actor) -> Case:
    """Provocation suspected, applicant exposed or under duress."""
    return move(case, "compromise", actor=actor)


def fail(case: Case, *, actor) -> Case:
    """The exit failed."""
    return move(case, "fail", actor=actor)


# --- the field unit's reports (called by planning/field.py for the liaison's own task) ------


def field_start(case: Case, *, actor) -> Case:
    """The field unit is en route: the exit is under way."""
    return move(case, "field_start", actor=actor)


def field_receive(case: Case, *, actor) -> Case:
    """The field unit handed him over at the position: received."""
    return move(case, "field_receive", actor=actor)


def field_abort(case: Case, *, actor) -> Case:
    """The field unit aborted: back to planning (the officer gets an alert)."""
    return move(case, "field_abort", actor=actor)
