"""Restricted cases: naming people needs two supervisors (DESIGN.md, "Who uses it").

A supervisor who sees the case asks for one or more people to be named; the case is not
changed. A second supervisor, who also sees the case and is neither the one who asked nor one
of the people asked for, approves or declines. Approval restricts the case, or names the people
on a case restricted already, and seals its records to them with the approver's keys
(vault.records.restrict). Records the approver cannot open wait for a named user who can
(``seal_for_named``) or for escrow recovery.

A restricted case keeps only its year in clear, so requests about it carry that year as their
date, never the day they were made. When a case becomes restricted, every dated row about it
(messages, alerts, links, its applicant key, its audit events) is cut to its year, and the true
times are sealed with the case's own (vault.records.restrict).
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from audit.log import record as audit
from cases.access import holds
from cases.models import AccessRequest, Alert, Case, CaseLink, Message
from cases.states import NO_KEYS, PURGED, TransitionRefused
from vault import records

CAPABILITY = "accounts.grant_restricted_access"


def candidates(case: Case):
    """People who may be named: active staff whose role sees cases and who have a key pair."""
    named = case.grants.values("user_id")
    return (
        get_user_model()
        .objects.filter(is_active=True, vault_key__isnull=False)
        .filter(
            Q(groups__permissions__codename="view_team_cases")
            | Q(user_permissions__codename="view_team_cases")
        )
        .exclude(pk__in=named)
        .distinct()
        .order_by("username")
    )


def pending(case: Case):
    return case.access_requests.filter(status=AccessRequest.Status.PENDING).select_related(
        "user", "requested_by"
    )


def _date(case: Case):
    return records.year_start(case.created_at)


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def coarsen(case: Case) -> dict:
    """Cut every dated row about ``case`` (becoming restricted) to its year; return the true
    times, which ``records.restrict`` (the caller) seals. The case's own row, its records and
    grants are restrict's; its audit events are sealed there too."""
    from vault.models import ApplicantKey

    true: dict = {"messages": {}, "alerts": {}, "links": {}}
    year = records.year_start
    for message in Message.objects.filter(case=case):
        true["messages"][str(message.pk)] = {
            "created_at": _iso(message.created_at),
            "read_at": _iso(message.read_at),
            "expires_at": _iso(message.expires_at),
        }
        message.created_at = year(message.created_at)
        message.read_at = message.read_at and year(message.read_at)
        message.expires_at = message.expires_at and (
            year(message.expires_at).replace(year=message.expires_at.year + 1)
        )
        message.save(update_fields=["created_at", "read_at", "expires_at"])
    for alert in Alert.objects.filter(case=case):
        true["alerts"][str(alert.pk)] = {
            "created_at": _iso(alert.created_at),
            "acknowledged_at": _iso(alert.acknowledged_at),
        }
        alert.created_at = year(alert.created_at)
        alert.acknowledged_at = alert.acknowledged_at and year(alert.acknowledged_at)
        alert.save(update_fields=["created_at", "acknowledged_at"])
    for link in CaseLink.objects.filter(Q(case=case) | Q(other=case)):
        true["links"][str(link.pk)] = _iso(link.created_at)
        link.created_at = year(link.created_at)
        link.save(update_fields=["created_at"])
    from telegram_bot.models import Delivery

    for sent in Delivery.objects.filter(case=case):  # Telegram deliveries: metadata only
        true.setdefault("telegram", {})[str(sent.pk)] = {
            "created_at": _iso(sent.created_at),
            "sent_at": _iso(sent.sent_at),
        }
        sent.created_at = year(sent.created_at)
        sent.sent_at = sent.sent_at and year(sent.sent_at)
        sent.save(update_fields=["created_at", "sent_at"])
    key = ApplicantKey.objects.filter(case=case).first()
    if key is not None:
        true["applicant_key"] = _iso(key.created_at)
        ApplicantKey.objects.filter(pk=key.pk).update(created_at=year(key.created_at))
    from planning.restriction import coarsen as coarsen_planning

    true["planning"] = coarsen_planning(case)  # plan, instructions, escort tasks
    from reception.outcomes import coarsen as coarsen_outcome

    coarsen_outcome(case)  # outcome and guarantees: kinds and true times sealed in records
    from reception.restriction import coarsen as coarsen_reception

    true["reception"] = coarsen_reception(case)  # custody, registration, cards, events, media
    from family.restriction import coarsen as coarsen_family

    true["family"] = coarsen_family(case)  # relatives of the case, or it a relative's own
    from rewards.restriction import coarsen as coarsen_rewards

    true["rewards"] = coarsen_rewards(case)  # equipment, proposals, payments, ledger
    return true


@transaction.atomic
def request_access(case: Case, users: list, *, actor) -> int:
    """Ask for ``users`` to be named on the case; returns how many requests were made."""
    if not actor.has_perm(CAPABILITY):
        raise TransitionRefused(_("Only a supervisor asks for access to a restricted case."))
    if not holds(actor, case):
        raise TransitionRefused(NO_KEYS)
    if case.purged_at is not None:
        raise TransitionRefused(PURGED)
    allowed = set(candidates(case).values_list("pk", flat=True))
    chosen = [u for u in users if u.pk in allowed]
    if not chosen:
        raise TransitionRefused(_("Choose at least one person who can be named."))
    already = set(pending(case).values_list("user_id", flat=True))
    made = [
        AccessRequest(case=case, user=u, requested_by=actor, created_at=_date(case))
        for u in chosen
        if u.pk not in already
    ]
    AccessRequest.objects.bulk_create(made)
    audit(
        "access_requested",
        actor=actor,
        object_type="case",
        object_id=case.number,
        users=sorted(r.user_id for r in made),
        restricted=case.restricted,
    )
    return len(made)


@transaction.atomic
def decide(case: Case, *, approve: bool, actor, actor_private: bytes | None) -> int:
    """The second supervisor approves or declines every pending request he may decide."""
    if not actor.has_perm(CAPABILITY):
        raise TransitionRefused(_("Only a supervisor approves access to a restricted case."))
    case = Case.objects.select_for_update().get(pk=case.pk)
    # The second pair of eyes must hold the case's keys: a supervisor an admin created and
    # added to a team, whom no key holder has granted the key, approves nothing.
    if not holds(actor, case):
        raise TransitionRefused(NO_KEYS)
    waiting = list(pending(case))
    if not waiting:
        raise TransitionRefused(_("Nothing is waiting for a decision."))
    mine = [r for r in waiting if actor.pk in (r.requested_by_id, r.user_id)]
    if mine:
        raise TransitionRefused(
            _("A second supervisor decides: not the one who asked, and not a person asked for.")
        )
    if approve and actor_private is None:
        raise TransitionRefused(_("Your session holds no key. Log out and in again."))
    status = AccessRequest.Status.APPROVED if approve else AccessRequest.Status.DECLINED
    AccessRequest.objects.filter(pk__in=[r.pk for r in waiting]).update(
        status=status, decided_by=actor, decided_at=_date(case)
    )
    users = [r.user for r in waiting]
    result = {}
    if approve:
        result = records.restrict(case, users, actor=actor, actor_private=actor_private)
        # The grants record both supervisors.
        case.grants.filter(user__in=users).update(
            granted_by=waiting[0].requested_by, approved_by=actor
        )
    audit(
        "access_approved" if approve else "access_declined",
        actor=actor,
        object_type="case",
        object_id=case.number,
        users=sorted(u.pk for u in users),
        awaiting_escrow=result.get("awaiting_escrow", 0),
    )
    return len(waiting)


@transaction.atomic
def seal_for_named(case: Case, *, actor, actor_private: bytes | None) -> int:
    """A named user seals the records he can open to named people who still lack a copy."""
    if not case.restricted or not case.grants.filter(user=actor).exists():
        raise TransitionRefused(_("Only a person named on this case can do this."))
    if not holds(actor, case):
        raise TransitionRefused(NO_KEYS)
    if actor_private is None:
        raise TransitionRefused(_("Your session holds no key. Log out and in again."))
    return records.restrict(case, [], actor=actor, actor_private=actor_private)["resealed"]


@transaction.atomic
def unname_leaver(user, *, actor) -> int:
    """Take a leaver (deactivated, or left without a role) off every restricted case: his
    grants go, so nothing sealed from now on is sealed to him; his copies of data keys go, so a
    later copy of the database gives his password nothing; requests naming him that still wait
    are declined, so a second supervisor cannot name him by approving an old one. Returns the
    number of cases. Records only he could open keep escrow's copy (escrow recovery)."""
    from cases.models import CaseGrant

    case_ids = set(CaseGrant.objects.filter(user=user).values_list("case_id", flat=True))
    waiting = AccessRequest.objects.filter(user=user, status=AccessRequest.Status.PENDING)
    case_ids |= set(waiting.values_list("case_id", flat=True))
    for case in Case.objects.filter(pk__in=case_ids).order_by("pk"):
        declined = waiting.filter(case=case).update(
            status=AccessRequest.Status.DECLINED, decided_by=actor, decided_at=_date(case)
        )
        unnamed, _ = CaseGrant.objects.filter(case=case, user=user).delete()
        audit(
            "case_unnamed",
            actor=actor,
            object_type="case",
            object_id=case.number,
            users=[user.pk],
            grants=unnamed,
            requests_declined=declined,
        )
    records.forget_user(user)
    return len(case_ids)
