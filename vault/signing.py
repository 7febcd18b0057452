"""The programme's Ed25519 signature.

* Instructions and audit checkpoints are signed so that the record of what was sent is
  tamper-evident.
* Every public key the vault seals to (staff, team version, applicant) is signed when it is
  made and checked before each use, so someone who can write to the database but not read the
  key directory cannot slip in a key of his own and become a recipient.
"""

from functools import lru_cache

from vault import crypto
from vault.keys import keyring


class ForgedKey(Exception):
    """A public key in the database does not carry the programme's signature."""


def sign(message: bytes) -> bytes:
    return crypto.sign(keyring().signing_seed, message)


def verify(message: bytes, signature: bytes) -> bool:
    return crypto.verify_signature(keyring().signing_public, message, signature)


# Domain separation: a checkpoint signature covers this prefix, which no key statement
# ("corridor-key|...") starts with, so neither kind of signature can pass as the other.
_CHECKPOINT = b"corridor-audit-checkpoint-v1\n"


def sign_checkpoint(statement: bytes) -> bytes:
    """Sign an audit checkpoint's statement (audit/checkpoint.py builds it)."""
    return sign(_CHECKPOINT + statement)


def verify_checkpoint(statement: bytes, signature: bytes) -> bool:
    """Whether the programme signed exactly this audit checkpoint statement."""
    return verify(_CHECKPOINT + statement, signature)


def _statement(key) -> bytes:
    from vault.models import ApplicantKey, CaseAuditKey, StaffKey, TeamKey

    public = bytes(key.public_key)
    if isinstance(key, StaffKey):
        return b"corridor-key|staff|%d|" % key.user_id + public
    if isinstance(key, TeamKey):
        return b"corridor-key|team|%d|%d|" % (key.team_id, key.version) + public
    if isinstance(key, ApplicantKey):
        return b"corridor-key|applicant|" + str(key.case_id).encode() + b"|" + public
    if isinstance(key, CaseAuditKey):
        return b"corridor-key|case-audit|" + str(key.case_id).encode() + b"|" + public
    raise TypeError("not a key row")


def sign_key(key) -> None:
    """Set ``key.signature`` (call before saving a new key row)."""
    key.signature = sign(_statement(key))


# A signature check is a pure function of the programme's public key, the statement (owner,
# version and public key, all read from the row at each use) and the signature, so its result
# may be remembered per process: a changed row is a new statement and is checked afresh, and a
# cache miss only repeats the check. Staff and team keys are read on every seal; an applicant
# key is used for one case, so it is checked each time instead of filling this cache.
@lru_cache(maxsize=1024)
def _verified(signing_public: bytes, statement: bytes, signature: bytes) -> bool:
    return crypto.verify_signature(signing_public, statement, signature)


def trusted_public(key) -> bytes:
    """The row's public key, after checking the programme signed exactly this key for exactly
    this owner."""
    from vault.models import ApplicantKey, CaseAuditKey

    statement, signature = _statement(key), bytes(key.signature or b"")
    if isinstance(key, ApplicantKey | CaseAuditKey):
        good = verify(statement, signature)
    else:
        good = _verified(keyring().signing_public, statement, signature)
    if not good:
        raise ForgedKey("a public key in the database is not signed by this programme")
    return bytes(key.public_key)


# Instructions (planning/instructions.py): the record of what was sent to an applicant. The
# prefix keeps an instruction signature from passing as a key statement or a checkpoint.
_INSTRUCTION = b"corridor-instruction-v1\n"


def sign_instruction(statement: bytes) -> bytes:
    """Sign the canonical statement of an instruction (planning.instructions.statement)."""
    return sign(_INSTRUCTION + statement)


def verify_instruction(statement: bytes, signature: bytes) -> bool:
    """Whether the programme signed exactly this instruction statement."""
    return verify(_INSTRUCTION + statement, signature)
