"""Second factors at rest: TOTP seeds sealed, backup codes keyed-hashed, both under keys that
live outside the database.

Both keys are derived from ``wrap.secret`` in the key directory (the secret that already
wraps every staff key), each under its own label, so the database alone holds neither:

* a TOTP seed is XChaCha20-Poly1305 under the *seed key*, with associated data naming the user
  and the device row's UUID, so a sealed seed copied into another user's row, or another row
  of the same user, does not open;
* a backup code is stored only as a keyed BLAKE2b hash under the *backup-code key*, over the
  user, the device row's UUID and the code: an 8-character code has 40 bits, which a plain
  hash would give away to anyone with the database and a few GPU hours; without the key
  directory there is nothing to check a guess against.

Anyone holding the database *and* the key directory can open the seeds, as he can already
wrap staff keys against guessed passwords; keep the key directory off database backups.
"""

import hmac
from uuid import UUID

from vault import crypto
from vault.keys import keyring

SEED_BYTES = 20  # 160 bits, what RFC 4226 recommends for HMAC-SHA1 and authenticator apps expect
BACKUP_CODE_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"  # RFC 4648 base32, lower case
BACKUP_CODE_LENGTH = 8  # 40 bits; typed by hand, used once, checked online and throttled


class SeedDoesNotOpen(Exception):
    """A sealed seed did not open: another user's or row's ciphertext, changed bytes, or a key
    directory other than the one that sealed it."""


def _key(label: bytes) -> bytes:
    return crypto.keyed_hash(keyring().wrap_secret, label, person=b"corridor-2fa")


def _seed_context(user_id: int, device: UUID) -> bytes:
    return f"corridor-totp-seed|user|{int(user_id)}|device|{UUID(str(device))}".encode()


def new_totp_seed() -> bytes:
    return crypto.random_bytes(SEED_BYTES)


def seal_totp_seed(seed: bytes, *, user_id: int, device: UUID) -> bytes:
    """Encrypt a TOTP seed for the device row ``device`` of user ``user_id``. Only a server with
    this key directory opens it, and only for that row."""
    return crypto.aead_encrypt(_key(b"totp-seed"), seed, _seed_context(user_id, device))


def open_totp_seed(sealed: bytes, *, user_id: int, device: UUID) -> bytes:
    """The seed sealed by ``seal_totp_seed`` for the same user and row; ``SeedDoesNotOpen``
    otherwise. Call only to check a code or to show the seed once at enrolment."""
    try:
        return crypto.aead_decrypt(
            _key(b"totp-seed"), bytes(sealed), _seed_context(user_id, device)
        )
    except crypto.DecryptionFailed as error:
        raise SeedDoesNotOpen("the sealed seed does not open for this row") from error


def new_backup_code() -> str:
    raw = crypto.random_bytes(BACKUP_CODE_LENGTH)
    return "".join(BACKUP_CODE_ALPHABET[b % 32] for b in raw)  # 256 = 8 × 32: no bias


def backup_code_digest(code: str, *, user_id: int, device: UUID) -> bytes:
    """The only form in which a backup code is stored: a keyed hash bound to the user and the
    device row. Compare digests with ``digests_equal``."""
    message = f"{int(user_id)}|{UUID(str(device))}|{code}".encode()
    return crypto.keyed_hash(_key(b"backup-code"), message, person=b"corridor-backup")


def digests_equal(a: bytes, b: bytes) -> bool:
    """Constant-time comparison, so the time of a refusal does not tell how close a guess was."""
    return hmac.compare_digest(bytes(a), bytes(b))
