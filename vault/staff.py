"""Staff key pairs: made when an account gets a password, unwrapped once at login.

The private key is wrapped with a key derived from the password (Argon2id) mixed with the
wrap secret from the key directory, so a stolen database plus a guessed password opens
nothing. A forgotten password cannot be recovered: the account gets a new key pair and its
team grants become pending again (an unlocked member or escrow recovery completes them).
"""

from django.conf import settings
from django.db import transaction

from audit.log import record as audit
from vault import crypto, signing
from vault.keys import keyring
from vault.models import RecordKey, StaffKey, TeamKeySeal


class WrongPassword(Exception):
    pass


def _wrap_key(password: str, salt: bytes, opslimit: int, memlimit: int) -> bytes:
    stretched = crypto.argon2id(password.encode(), salt, opslimit=opslimit, memlimit=memlimit)
    return crypto.keyed_hash(keyring().wrap_secret, stretched, person=b"corridor-wrap")


def _wrapped(private: bytes, password: str) -> dict:
    salt = crypto.random_bytes(crypto.ARGON2_SALT_BYTES)
    ops, mem = settings.CORRIDOR_ARGON2_OPSLIMIT, settings.CORRIDOR_ARGON2_MEMLIMIT
    return {
        "wrapped_private": crypto.secretbox_encrypt(_wrap_key(password, salt, ops, mem), private),
        "salt": salt,
        "opslimit": ops,
        "memlimit": mem,
    }


@transaction.atomic
def new_key_pair(user, password: str, *, actor=None) -> bytes:
    """Give ``user`` a fresh key pair wrapped by ``password``; return the private key.

    Replacing an existing pair drops every grant sealed to the old one: the user's team
    seals become pending grants and his direct seals await escrow recovery.
    """
    private, public = crypto.new_keypair()
    replaced = StaffKey.objects.filter(user=user).exists()
    key = StaffKey(user=user, public_key=public, **_wrapped(private, password))
    signing.sign_key(key)
    StaffKey.objects.filter(user=user).delete()
    key.save(force_insert=True)
    if replaced:
        seals, _ = TeamKeySeal.objects.filter(user=user).delete()
        direct, _ = RecordKey.objects.filter(user=user).delete()
        audit(
            "staff_key_replaced",
            actor=actor,
            object_type="user",
            object_id=user.pk,
            team_grants_dropped=seals,
            record_grants_dropped=direct,
        )
    else:
        audit("staff_key_created", actor=actor, object_type="user", object_id=user.pk)
    return private


def unlock(user, password: str) -> bytes:
    """Unwrap the user's private key. Call only after password and second factor are checked."""
    key = StaffKey.objects.get(user=user)
    wrap = _wrap_key(password, bytes(key.salt), key.opslimit, key.memlimit)
    try:
        return crypto.secretbox_decrypt(wrap, bytes(key.wrapped_private))
    except crypto.DecryptionFailed as error:
        raise WrongPassword("the password does not unwrap this key") from error


def upgrade_if_weak(user, private: bytes, password: str) -> bool:
    """At login: re-wrap a key wrapped at a lower Argon2id cost than the current setting."""
    key = StaffKey.objects.get(user=user)
    wanted = (settings.CORRIDOR_ARGON2_OPSLIMIT, settings.CORRIDOR_ARGON2_MEMLIMIT)
    if (key.opslimit, key.memlimit) >= wanted:
        return False
    StaffKey.objects.filter(user=user).update(**_wrapped(private, password))
    audit("staff_key_rewrapped", actor=user, object_type="user", object_id=user.pk, upgraded=True)
    return True


@transaction.atomic
def rewrap(user, private: bytes, new_password: str) -> None:
    """After a password change: the same key pair, wrapped by the new password."""
    StaffKey.objects.filter(user=user).update(**_wrapped(private, new_password))
    audit("staff_key_rewrapped", actor=user, object_type="user", object_id=user.pk)


def has_key(user) -> bool:
    return StaffKey.objects.filter(user=user).exists()


def public_key(user) -> bytes:
    """The user's public key, checked against the programme's signature."""
    return signing.trusted_public(StaffKey.objects.get(user=user))
