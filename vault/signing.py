"""The programme's Ed25519 signature: instructions and audit checkpoints are signed so that
the record of what was sent is tamper-evident."""

from vault import crypto
from vault.keys import keyring


def sign(message: bytes) -> bytes:
    return crypto.sign(keyring().signing_seed, message)


def verify(message: bytes, signature: bytes) -> bool:
    return crypto.verify_signature(keyring().signing_public, message, signature)
