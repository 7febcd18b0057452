"""Seal and open a case's records. This is the API the other apps use:

    seal(case, compartment, values, kind=..., actor=...)   -> Record   (anyone may write)
    open(request, record)                                   -> dict     (keys decide; audited)
    can_open(user, record)                                  -> bool     (no key used)
    end_escort_task(record)                                 deletes every copy of its data key
    restrict(case, users, actor=..., actor_private=...)     named users + escrow only

Each record has its own random data key, sealed once per recipient named by vault/policy.py,
so a writer who cannot read a compartment (the portal, an operator adding a later call) can
still add to it.
"""

import json
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Team
from audit.log import record as audit
from audit.log import seal_case_events
from vault import crypto, possession, sessions, signing, teams
from vault.keys import keyring
from vault.models import ApplicantKey, CaseAuditKey, Record, RecordKey, StaffKey, TeamKeySeal
from vault.policy import ESCORT, IDENTITY, POLICY

TABLE = "vault_record"


class NoAccess(Exception):
    """The user's keys do not open this record. ``message`` is safe to show."""

    message = _("Your keys do not open this part of the case.")


class UnknownCompartment(ValueError):
    pass


class PurgedCase(Exception):
    """The case was crypto-shredded (cases/retention.py): nothing is sealed into it again."""


@dataclass(frozen=True)
class Recipient:
    kind: str
    public_key: bytes
    team_key: object = None
    user_id: int | None = None


def year_start(moment):
    return moment.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)


def clear_time(case, moment=None):
    """What a date column about ``case`` may hold in clear: the moment (now by default), or
    for a restricted case only its year (DESIGN.md: a month name can identify one man)."""
    moment = moment or timezone.now()
    return year_start(moment) if case.restricted else moment


def associated_data(record_id: uuid.UUID, field: str = "values") -> bytes:
    """What binds a ciphertext to its place: table, row UUID and field."""
    return f"{TABLE}|{record_id}|{field}".encode()


def recipients(case, compartment: str, *, field_unit: Team | None = None) -> list[Recipient]:
    return _recipients(case, [compartment], field_unit=field_unit)[compartment]


def _recipients(
    case, compartments, *, field_unit: Team | None = None, applicant_key=None
) -> dict[str, list[Recipient]]:
    """The recipients of each compartment (vault/policy.py), with at most one look-up per kind
    of recipient for all of them; every public key is checked against the programme's
    signature before it is returned."""
    rules = {}
    for compartment in compartments:
        rules[compartment] = POLICY.get(compartment)
        if rules[compartment] is None:
            raise UnknownCompartment(compartment)
    # In a restricted case: the named users instead of teams (escort tasks excepted).
    to_users = {
        c
        for c, rule in rules.items()
        if case.restricted and rule.follows_restriction and not rule.field_unit
    }
    to_teams = {c for c, rule in rules.items() if not rule.field_unit and c not in to_users}

    unit = []
    if any(rule.field_unit for rule in rules.values()):
        if field_unit is None or field_unit.kind != Team.Kind.FIELD_UNIT:
            raise UnknownCompartment("an escort task is sealed to one field unit")
        key = teams.active_key(field_unit)
        unit = [Recipient(RecordKey.Kind.TEAM, signing.trusted_public(key), team_key=key)]
    users = []
    if to_users:
        users = [
            Recipient(RecordKey.Kind.USER, signing.trusted_public(k), user_id=k.user_id)
            for k in StaffKey.objects.filter(user__case_grants__case=case)
        ]
    team_recipients = []
    kinds = set().union(*(rules[c].team_kinds for c in to_teams))
    if kinds:
        team_recipients = [
            (
                key.team.kind,
                Recipient(RecordKey.Kind.TEAM, signing.trusted_public(key), team_key=key),
            )
            for key in teams.active_keys(kinds)
        ]
    applicant = []
    if any(rule.applicant for rule in rules.values()):
        if applicant_key is None:
            applicant_key = ApplicantKey.objects.filter(case=case).first()
        elif applicant_key.case_id != case.pk:
            raise ValueError("the applicant key of another case")
        if applicant_key is not None:
            applicant = [Recipient(RecordKey.Kind.APPLICANT, signing.trusted_public(applicant_key))]

    escrow = Recipient(RecordKey.Kind.ESCROW, keyring().escrow_public)
    found = {}
    for compartment, rule in rules.items():
        if rule.field_unit:
            named = unit
        elif compartment in to_users:
            named = users
        else:
            named = [r for kind, r in team_recipients if kind in rule.team_kinds]
        found[compartment] = [escrow, *named, *(applicant if rule.applicant else [])]
    return found


def _encode(values: dict) -> bytes:
    return json.dumps(values, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


@transaction.atomic(savepoint=False)
def seal(
    case, compartment: str, values: dict, *, kind: str, actor=None, field_unit: Team | None = None
) -> Record:
    """Encrypt ``values`` (JSON-able) as a new record of ``compartment`` in ``case``."""
    return seal_many(case, [(compartment, values, kind)], actor=actor, field_unit=field_unit)[0]


@transaction.atomic(savepoint=False)
def seal_many(
    case,
    items: list[tuple[str, dict, str]],
    *,
    actor=None,
    field_unit: Team | None = None,
    applicant_key: ApplicantKey | None = None,
) -> list[Record]:
    """Seal several (compartment, values, kind) records of one case: recipients resolved once
    for all compartments, records and sealed keys inserted in two statements.

    ``applicant_key``: the case's key row when the caller has just registered it in this
    transaction (it is still checked against its signature); otherwise it is looked up."""
    if getattr(case, "purged_at", None) is not None:
        raise PurgedCase("the case's personal data was deleted under the retention rule")
    targets = _recipients(
        case,
        list(dict.fromkeys(c for c, _v, _k in items)),
        field_unit=field_unit,
        applicant_key=applicant_key,
    )
    made, keys = [], []
    now = year_start(case.created_at) if case.restricted else timezone.now()
    for compartment, values, kind in items:
        dek = crypto.random_key()
        record = Record(
            id=uuid.uuid4(),
            case=case,
            compartment=compartment,
            kind=kind,
            created_by=actor,
            created_at=now,
        )
        record.ciphertext = crypto.aead_encrypt(dek, _encode(values), associated_data(record.id))
        made.append(record)
        keys += [
            RecordKey(
                record=record,
                kind=t.kind,
                team_key=t.team_key,
                user_id=t.user_id,
                sealed_dek=crypto.seal(t.public_key, dek),
            )
            for t in targets[compartment]
        ]
    Record.objects.bulk_create(made)
    RecordKey.objects.bulk_create(keys)
    return made


def _bound(user, private: bytes | None = None):
    """The user's possession in this request, if it was opened with ``private`` (when given)."""
    bound = possession.of(user)
    if bound is not None and private is not None and bound.private != private:
        return None
    return bound


def _user_rows(user, record: Record, private: bytes | None = None):
    """The record's key rows this user can reach: sealed to him, or to a team key he holds.
    In a request, "holds" means verifiably opened (vault/possession.py); elsewhere (commands,
    the actor's own key given explicitly) the seal rows, which ``data_key`` then opens."""
    bound = _bound(user, private)
    if bound is not None:
        held = sorted(bound.team_key_ids)
    else:
        held = TeamKeySeal.objects.filter(user=user).values("team_key_id")
    return RecordKey.objects.filter(record=record).filter(
        Q(kind=RecordKey.Kind.USER, user=user) | Q(kind=RecordKey.Kind.TEAM, team_key__in=held)
    )


def can_open(user, record: Record) -> bool:
    return _user_rows(user, record).exists()


def _data_keys(user, private: bytes, record: Record):
    """Every data key the user's rows of this record open, in order. A row sealed to him that
    does not open (written into the database by someone else) is passed over, not an error."""
    for row in _user_rows(user, record, private).select_related("team_key"):
        try:
            if row.kind == RecordKey.Kind.USER:
                yield crypto.unseal(private, bytes(row.sealed_dek))
                continue
            bound = _bound(user, private)
            team_private = bound.team_private(row.team_key_id) if bound is not None else None
            if team_private is None:
                team_private = teams.team_private(row.team_key, user, private)
            yield crypto.unseal(team_private, bytes(row.sealed_dek))
        except crypto.DecryptionFailed:
            continue


def data_key(user, private: bytes, record: Record) -> bytes:
    for dek in _data_keys(user, private, record):
        return dek
    raise NoAccess("no key of this record for this user")


def open_values(user, private: bytes, record: Record) -> dict:
    """The record's values with the first data key that really opens it. Anyone can seal a
    random key to a user's public key, so a row that unseals is not yet a key of this record:
    only the record's own AEAD check says so. Raises NoAccess when none does (no 500)."""
    for dek in _data_keys(user, private, record):
        try:
            return decrypt(record, dek)
        except crypto.DecryptionFailed:
            continue
    raise NoAccess("no key of this record for this user")


def decrypt(record: Record, dek: bytes) -> dict:
    plaintext = crypto.aead_decrypt(dek, bytes(record.ciphertext), associated_data(record.id))
    return json.loads(plaintext)


def open(request, record: Record) -> dict:  # noqa: A001  (the vault's verb; shadows nothing used here)
    """Decrypt a record with the requesting user's keys and write the audit event."""
    user = request.user
    private = sessions.private_key(request)
    values = open_values(user, private, record)
    audit(
        "record_opened",
        actor=user,
        object_type="case",
        object_id=record.case.number,
        record=str(record.id),
        compartment=record.compartment,
    )
    return values


def open_as_applicant(record: Record, applicant_private: bytes) -> dict:
    row = RecordKey.objects.filter(record=record, kind=RecordKey.Kind.APPLICANT).first()
    if row is None:
        raise NoAccess("not sealed to the applicant")
    return decrypt(record, crypto.unseal(applicant_private, bytes(row.sealed_dek)))


@transaction.atomic
def end_escort_task(record: Record) -> None:
    """Delete every copy of an escort task's data key, escrow's included, and its ciphertext."""
    if record.compartment != ESCORT:
        raise UnknownCompartment("only escort tasks end this way")
    record.keys.all().delete()
    Record.objects.filter(pk=record.pk).update(ciphertext=b"")
    audit(
        "escort_task_keys_deleted",
        object_type="case",
        object_id=record.case.number,
        record=str(record.id),
    )


@transaction.atomic
def restrict(case, users: list, *, actor, actor_private: bytes) -> dict:
    """Make ``case`` restricted to ``users`` plus escrow, or name more people on a case that is
    restricted already. Every compartment but escort tasks is concerned.

    The first restriction takes the team copies of every data key away. Records the actor can
    open are then sealed to every named user who lacks a copy (the new ones and any named
    earlier whose copy is still missing); the others keep what they have, and escrow's copy,
    for escrow recovery to grant (counted in the result). Nobody's copy is removed by naming
    someone else.

    On the first restriction every dated row about the case (messages, alerts, links, the
    applicant key: ``cases.restriction.coarsen``) is cut to its year and the true times are
    sealed with the case's own. The events written about the case so far are sealed too
    (audit.log.seal_case_events), and every later one is sealed as it is written.
    """
    from cases.models import CaseGrant
    from cases.restriction import coarsen

    already = case.restricted
    if not already:
        # The true dates go into a sealed record (below); plain columns keep only the year.
        true_dates = {
            "created_at": case.created_at.isoformat(),
            "updated_at": case.updated_at.isoformat(),
            "last_contact_at": case.last_contact_at.isoformat(),
            "status_changed_at": case.status_changed_at and case.status_changed_at.isoformat(),
            "records": {str(r.id): r.created_at.isoformat() for r in case.records.all()},
            **coarsen(case),
        }
        year = year_start(case.created_at)
        type(case).objects.filter(pk=case.pk).update(
            restricted=True,
            created_at=year,
            updated_at=year,
            last_contact_at=year,
            # Retention counts from the year's start plus a year (cases/retention.py).
            status_changed_at=case.status_changed_at and year_start(case.status_changed_at),
        )
        case.records.update(created_at=year)
        case.refresh_from_db()
    for user in users:
        CaseGrant.objects.get_or_create(
            case=case, user=user, defaults={"granted_by": actor, "created_at": case.created_at}
        )
    named = case.grants.values("user_id")
    publics = {
        k.user_id: signing.trusted_public(k) for k in StaffKey.objects.filter(user__in=named)
    }
    resealed = awaiting = 0
    for record in case.records.exclude(compartment=ESCORT):
        try:
            dek = data_key(actor, actor_private, record)
        except (NoAccess, teams.NoTeamKey):
            dek = None
        if not already:
            record.keys.exclude(kind__in=[RecordKey.Kind.ESCROW, RecordKey.Kind.APPLICANT]).delete()
        holders = set(
            record.keys.filter(kind=RecordKey.Kind.USER).values_list("user_id", flat=True)
        )
        missing = {uid: pub for uid, pub in publics.items() if uid not in holders}
        if not missing:
            continue
        if dek is None:
            awaiting += 1
            continue
        RecordKey.objects.bulk_create(
            [
                RecordKey(
                    record=record,
                    kind=RecordKey.Kind.USER,
                    user_id=uid,
                    sealed_dek=crypto.seal(pub, dek),
                )
                for uid, pub in missing.items()
            ]
        )
        resealed += 1
    if not already:
        seal(case, IDENTITY, true_dates, kind="dates", actor=actor)
        case_audit_public(case)  # made here, under the caller's lock of the case
        seal_case_events(case)
    audit(
        "case_resealed" if already else "case_restricted",
        actor=actor,
        object_type="case",
        object_id=case.number,
        users=sorted(u.pk for u in users),
        resealed=resealed,
        awaiting_escrow=awaiting,
    )
    return {"resealed": resealed, "awaiting_escrow": awaiting}


AUDIT_KEY = "audit_key"


def case_audit_public(case) -> bytes:
    """The public key that events about a restricted case are sealed to, made on first need:
    its private half becomes a record of the case (identity compartment, so in a restricted
    case the named users and escrow), which ``restrict`` seals on to people named later."""
    row = CaseAuditKey.objects.filter(case=case).first()
    if row is None:
        private, public = crypto.new_keypair()
        row = CaseAuditKey(case=case, public_key=public)
        signing.sign_key(row)
        row.save(force_insert=True)
        seal(case, IDENTITY, {"private": private.hex()}, kind=AUDIT_KEY)
        del private
    return signing.trusted_public(row)


def case_audit_private(request, case) -> bytes | None:
    """The private audit key of a restricted case, if the user's keys open it (audited as any
    opened record); None otherwise."""
    found = case.records.filter(kind=AUDIT_KEY).order_by("id").first()
    if found is None or not can_open(request.user, found):
        return None
    try:
        return bytes.fromhex(open(request, found)["private"])
    except (NoAccess, teams.NoTeamKey, sessions.Locked):
        return None


def missing_copies(case) -> int:
    """Records of a restricted case (escort tasks aside) that some named user cannot open yet."""
    if not case.restricted:
        return 0
    named = set(case.grants.values_list("user_id", flat=True))
    count = 0
    for record in case.records.exclude(compartment=ESCORT).prefetch_related("keys"):
        holders = {k.user_id for k in record.keys.all() if k.kind == RecordKey.Kind.USER}
        count += bool(named - holders)
    return count


def forget_user(user) -> int:
    """Delete every data key sealed to ``user`` himself (restricted cases): a leaver's copies.
    Escrow's copy of each record stays. The caller audits."""
    deleted, _ = RecordKey.objects.filter(kind=RecordKey.Kind.USER, user=user).delete()
    return deleted
