"""Team keys: one key pair per team and version, its private half sealed to each member
who has been granted it, and always to escrow.

* A team's first key is sealed to escrow only. Every member, the first ones too, is a
  *pending grant* until a member whose session is unlocked, or escrow recovery
  (``corridor keys recover``), seals the key to him: the server alone never adds a reader.
  The demo programme seeds its first holders with ``create_first_key(team, holders)``
  before any record exists.
* Removing a member rotates the key: a new version is sealed to the members who held the old
  one and to escrow; new records use it; the removed member's seals are deleted at once.
  ``corridor keys rekey-team`` later re-seals older records to the new version and deletes
  the old versions' seals for good.

Every change takes a row lock on the team first, so two hosts cannot rotate, grant or re-key
one team at the same time (on SQLite the write lock taken at BEGIN does the same).
"""

from django.db import transaction
from django.db.models import FilteredRelation, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Team
from accounts.roles import WrongRoleForKey, may_hold
from audit.log import record as audit
from vault import crypto, signing
from vault.keys import keyring
from vault.models import RecordKey, StaffKey, TeamKey, TeamKeySeal


class NoTeamKey(Exception):
    """The acting user holds no seal of this team's key, or the member is not in the team."""


def _lock(team: Team) -> Team:
    return Team.objects.select_for_update().get(pk=team.pk)


def active_key(team: Team) -> TeamKey:
    key = TeamKey.objects.filter(team=team, retired_at=None).order_by("-version").first()
    return key if key is not None else create_first_key(team)


def active_keys(kinds) -> list[TeamKey]:
    """The active key of every team of these kinds, with ``key.team`` loaded, in one query:
    each team joined to its unretired key versions. A team that has none gets its first."""
    found = []
    rows = (
        Team.objects.filter(kind__in=kinds)
        .annotate(active=FilteredRelation("keys", condition=Q(keys__retired_at=None)))
        .select_related("active")
        .order_by("pk", "active__version")
    )
    for team in rows:
        key = getattr(team, "active", None)  # Django leaves it unset when the join is empty
        if key is None:
            found.append(create_first_key(team))
        else:
            key.team = team
            found.append(key)
    return found


@transaction.atomic
def create_first_key(team: Team, holders: list | None = None) -> TeamKey:
    """Version 1 of a team's key, sealed to escrow and to ``holders`` (demo seeding only;
    normally none). Returns the existing key if another request made it first."""
    _lock(team)
    existing = TeamKey.objects.filter(team=team, retired_at=None).first()
    if existing is not None:
        if holders:
            raise NoTeamKey("the team already has a key: grant it instead")
        return existing
    keys = StaffKey.objects.filter(user__in=holders or [], user__memberships__team=team)
    keys = [k for k in keys.select_related("user") if may_hold(k.user, team.kind)]
    return _new_version(team, 1, [(k.user_id, signing.trusted_public(k)) for k in keys])


def _new_version(team: Team, version: int, holders: list[tuple[int, bytes]]) -> TeamKey:
    private, public = crypto.new_keypair()
    key = TeamKey(team=team, version=version, public_key=public)
    signing.sign_key(key)
    key.save(force_insert=True)
    seals = [
        TeamKeySeal(
            team_key=key, user=None, sealed_private=crypto.seal(keyring().escrow_public, private)
        )
    ]
    seals += [
        TeamKeySeal(team_key=key, user_id=user_id, sealed_private=crypto.seal(pub, private))
        for user_id, pub in holders
    ]
    TeamKeySeal.objects.bulk_create(seals)
    return key


def team_private(team_key: TeamKey, user, user_private: bytes) -> bytes:
    seal = TeamKeySeal.objects.filter(team_key=team_key, user=user).first()
    if seal is None:
        raise NoTeamKey("no seal of this team key for this user")
    return crypto.unseal(user_private, bytes(seal.sealed_private))


def pending_members(team: Team) -> list:
    """Active members (with a key pair) who hold no seal of the active key yet."""
    key = active_key(team)
    granted = set(key.seals.exclude(user=None).values_list("user_id", flat=True))
    return [
        m
        for m in team.members.filter(vault_key__isnull=False, is_active=True).order_by("username")
        if m.pk not in granted
    ]


def pending_for_holder(user) -> list[tuple[Team, list]]:
    """For each team whose active key ``user`` holds: the members still waiting for it."""
    held = TeamKey.objects.filter(retired_at=None, seals__user=user).select_related("team")
    found = []
    for key in held:
        waiting = pending_members(key.team)
        if waiting:
            found.append((key.team, waiting))
    return found


def grant(team: Team, member, *, actor, actor_private: bytes) -> int:
    """Seal every version of the team key the actor holds to ``member``, a current member
    whose roles may hold this kind of key (accounts/roles.py). A refusal by role is recorded
    before the grant's own transaction, so it stays on the record."""
    if not may_hold(member, team.kind):
        audit(
            "team_key_grant_refused",
            actor=actor,
            object_type="team",
            object_id=team.pk,
            user=member.pk,
            kind=team.kind,
        )
        raise WrongRoleForKey(_("This person's roles may not hold this team's key."))
    return _grant(team, member, actor=actor, actor_private=actor_private)


@transaction.atomic
def _grant(team: Team, member, *, actor, actor_private: bytes) -> int:
    _lock(team)
    if not Membership.objects.filter(team=team, user=member).exists():
        raise NoTeamKey("only a member of the team can be granted its key")
    if not member.is_active:  # a leaver's keys were taken (accounts.actions.set_active)
        raise NoTeamKey("a deactivated user is granted no key")
    member_public = signing.trusted_public(StaffKey.objects.get(user=member))
    granted = 0
    seals = TeamKeySeal.objects.filter(team_key__team=team, user=actor).select_related("team_key")
    for seal in seals:
        # Only a key the actor verifiably holds is passed on: a seal row forged in the
        # database (any key sealed to his public key) opens to a key that is not the team's.
        try:
            private = crypto.unseal(actor_private, bytes(seal.sealed_private))
        except crypto.DecryptionFailed as error:
            raise NoTeamKey("the acting user's seal does not open") from error
        if crypto.public_of(private) != signing.trusted_public(seal.team_key):
            raise NoTeamKey("the acting user's seal does not hold this team's key")
        _, created = TeamKeySeal.objects.get_or_create(
            team_key=seal.team_key,
            user=member,
            defaults={"sealed_private": crypto.seal(member_public, private)},
        )
        granted += int(created)
    if not seals:
        raise NoTeamKey("the acting user holds no key of this team")
    audit(
        "team_key_granted",
        actor=actor,
        object_type="team",
        object_id=team.pk,
        user=member.pk,
        versions=granted,
    )
    return granted


@transaction.atomic
def rotate(team: Team, *, actor, removed=None) -> TeamKey:
    """New version for the members who held the current one; drop ``removed``'s seals."""
    _lock(team)
    current = active_key(team)
    if removed is not None:
        TeamKeySeal.objects.filter(team_key__team=team, user=removed).delete()
    holders = (
        StaffKey.objects.filter(user__team_key_seals__team_key=current)
        .exclude(user=removed)
        .distinct()
    )
    TeamKey.objects.filter(pk=current.pk).update(retired_at=timezone.now())
    key = _new_version(
        team, current.version + 1, [(k.user_id, signing.trusted_public(k)) for k in holders]
    )
    audit(
        "team_key_rotated", actor=actor, object_type="team", object_id=team.pk, version=key.version
    )
    return key


@transaction.atomic
def rekey(team: Team, *, actor, actor_private: bytes) -> int:
    """Re-seal records sealed to older versions to the active one; delete older seals."""
    _lock(team)
    active = active_key(team)
    public = signing.trusted_public(active)
    moved = 0
    for old in TeamKey.objects.filter(team=team, version__lt=active.version):
        if not old.seals.exists():
            continue  # already re-keyed
        old_private = team_private(old, actor, actor_private)
        for row in RecordKey.objects.filter(team_key=old):
            dek = crypto.unseal(old_private, bytes(row.sealed_dek))
            row.team_key, row.sealed_dek = active, crypto.seal(public, dek)
            row.save(update_fields=["team_key", "sealed_dek"])
            moved += 1
        old.seals.all().delete()
    audit(
        "team_rekeyed",
        actor=actor,
        object_type="team",
        object_id=team.pk,
        records=moved,
        version=active.version,
    )
    return moved
