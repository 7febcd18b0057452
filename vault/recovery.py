"""Escrow recovery: with the escrow private key rebuilt from 3 shares, seal to a user again
what he should be able to open. The key is used in memory and never stored."""

from django.db import transaction

from accounts.roles import may_hold
from audit.log import record as audit
from vault import crypto, signing
from vault.models import RecordKey, StaffKey, TeamKeySeal
from vault.policy import ESCORT


class WrongEscrowKey(Exception):
    pass


class Inactive(Exception):
    """Recovery for a deactivated user: refused, as a grant by a member is."""


def regrant(user, escrow_private: bytes, *, public: bytes) -> dict:
    """Re-seal to ``user``: every live version of his teams' keys, and the data keys of
    records in restricted cases that name him. A refusal is recorded before the re-grant's own
    transaction, so it stays on the record."""
    if crypto.public_of(escrow_private) != public:
        audit("escrow_recovery_failed", object_type="user", object_id=user.pk)
        raise WrongEscrowKey("these shares rebuild a key, but not this programme's escrow key")
    if not user.is_active:  # a leaver's keys were taken (accounts.actions.set_active)
        audit("escrow_recovery_refused", object_type="user", object_id=user.pk)
        raise Inactive("a deactivated user is re-granted nothing")
    return _regrant(user, escrow_private)


@transaction.atomic
def _regrant(user, escrow_private: bytes) -> dict:
    user_public = signing.trusted_public(StaffKey.objects.get(user=user))
    team_keys = 0
    # Every version still sealed to escrow (older ones too, until the team is re-keyed), of
    # the teams he is a member of now.
    # Only teams whose kind of key his roles may hold (accounts/roles.py): a refused team is
    # an audit event, and the rest of the recovery goes on.
    escrow_seals = TeamKeySeal.objects.filter(user=None, team_key__team__memberships__user=user)
    refused = set()
    for seal in escrow_seals.select_related("team_key__team"):
        team = seal.team_key.team
        if not may_hold(user, team.kind):
            if team.pk not in refused:
                refused.add(team.pk)
                audit(
                    "escrow_regrant_refused",
                    object_type="team",
                    object_id=team.pk,
                    user=user.pk,
                    kind=team.kind,
                )
            continue
        team_private = crypto.unseal(escrow_private, bytes(seal.sealed_private))
        TeamKeySeal.objects.update_or_create(
            team_key=seal.team_key,
            user=user,
            defaults={"sealed_private": crypto.seal(user_public, team_private)},
        )
        team_keys += 1
    records = 0
    # Escort tasks belong to their field unit only, never to named users (vault/policy.py).
    rows = RecordKey.objects.filter(
        kind=RecordKey.Kind.ESCROW, record__case__restricted=True, record__case__grants__user=user
    ).exclude(record__compartment=ESCORT)
    for row in rows.select_related("record"):
        dek = crypto.unseal(escrow_private, bytes(row.sealed_dek))
        RecordKey.objects.filter(record=row.record, kind=RecordKey.Kind.USER, user=user).delete()
        RecordKey.objects.create(
            record=row.record,
            kind=RecordKey.Kind.USER,
            user=user,
            sealed_dek=crypto.seal(user_public, dek),
        )
        records += 1
    audit(
        "escrow_recovery",
        object_type="user",
        object_id=user.pk,
        team_keys=team_keys,
        records=records,
    )
    return {"team_keys": team_keys, "records": records}
