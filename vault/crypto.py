"""The libsodium primitives Corridor uses, and nothing else. Only vault/ imports this module,
and this is the only module that imports PyNaCl.

Formats (all bytes, a one-byte version first so that a format change stays readable):
* AEAD ciphertext: ``0x01 | nonce (24) | XChaCha20-Poly1305 ciphertext+tag``; the associated
  data (table, UUID, field) is not stored, the caller supplies it again to open.
* Sealed box: libsodium's ``crypto_box_seal`` (ephemeral X25519 + XSalsa20-Poly1305).
* Secretbox: ``nacl.secret.SecretBox`` (XSalsa20-Poly1305, random nonce prepended).
"""

import nacl.bindings as sodium
import nacl.exceptions
import nacl.hash
import nacl.pwhash
import nacl.secret
import nacl.signing
import nacl.utils
from nacl.encoding import RawEncoder
from nacl.public import PrivateKey, PublicKey, SealedBox

KEY_BYTES = 32
_AEAD_VERSION = b"\x01"
_NONCE = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES


class DecryptionFailed(Exception):
    """A ciphertext did not open: wrong key, wrong associated data, or changed bytes."""


def random_key() -> bytes:
    return nacl.utils.random(KEY_BYTES)


def random_bytes(n: int) -> bytes:
    return nacl.utils.random(n)


# --- records: XChaCha20-Poly1305 with associated data --------------------------------------


def aead_encrypt(key: bytes, plaintext: bytes, associated: bytes) -> bytes:
    nonce = nacl.utils.random(_NONCE)
    body = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, associated, nonce, key)
    return _AEAD_VERSION + nonce + body


def aead_decrypt(key: bytes, ciphertext: bytes, associated: bytes) -> bytes:
    if len(ciphertext) < 1 + _NONCE + 16 or ciphertext[:1] != _AEAD_VERSION:
        raise DecryptionFailed("not a Corridor ciphertext")
    nonce, body = ciphertext[1 : 1 + _NONCE], ciphertext[1 + _NONCE :]
    try:
        return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(body, associated, nonce, key)
    except nacl.exceptions.CryptoError as error:
        raise DecryptionFailed("ciphertext does not open with this key and context") from error


# --- key pairs and sealed boxes --------------------------------------------------------------


def new_keypair() -> tuple[bytes, bytes]:
    """(private, public) X25519 key pair."""
    private = PrivateKey.generate()
    return bytes(private), bytes(private.public_key)


def keypair_from_seed(seed: bytes) -> tuple[bytes, bytes]:
    private = PrivateKey.from_seed(seed)
    return bytes(private), bytes(private.public_key)


def public_of(private: bytes) -> bytes:
    return bytes(PrivateKey(private).public_key)


def seal(public: bytes, plaintext: bytes) -> bytes:
    return SealedBox(PublicKey(public)).encrypt(plaintext)


def unseal(private: bytes, sealed: bytes) -> bytes:
    try:
        return SealedBox(PrivateKey(private)).decrypt(sealed)
    except nacl.exceptions.CryptoError as error:
        raise DecryptionFailed("sealed box does not open with this key") from error


# --- symmetric wrapping -------------------------------------------------------------------------


def secretbox_encrypt(key: bytes, plaintext: bytes) -> bytes:
    return bytes(nacl.secret.SecretBox(key).encrypt(plaintext))


def secretbox_decrypt(key: bytes, ciphertext: bytes) -> bytes:
    try:
        return nacl.secret.SecretBox(key).decrypt(ciphertext)
    except nacl.exceptions.CryptoError as error:
        raise DecryptionFailed("secretbox does not open with this key") from error


# --- hashing and key derivation -----------------------------------------------------------------


def keyed_hash(key: bytes, data: bytes, *, person: bytes = b"", size: int = 32) -> bytes:
    """BLAKE2b keyed hash; ``person`` separates uses of one key (at most 16 bytes)."""
    return nacl.hash.blake2b(
        data, digest_size=size, key=key, person=person.ljust(16, b"\0")[:16], encoder=RawEncoder
    )


def argon2id(password: bytes, salt: bytes, *, opslimit: int, memlimit: int) -> bytes:
    return nacl.pwhash.argon2id.kdf(KEY_BYTES, password, salt, opslimit=opslimit, memlimit=memlimit)


ARGON2_SALT_BYTES = nacl.pwhash.argon2id.SALTBYTES
ARGON2_MIN_OPS = nacl.pwhash.argon2id.OPSLIMIT_MIN
ARGON2_MIN_MEM = nacl.pwhash.argon2id.MEMLIMIT_MIN


# --- signatures ---------------------------------------------------------------------------------


def signing_keypair() -> tuple[bytes, bytes]:
    key = nacl.signing.SigningKey.generate()
    return bytes(key), bytes(key.verify_key)


def sign(seed: bytes, message: bytes) -> bytes:
    return nacl.signing.SigningKey(seed).sign(message).signature


def verify_signature(public: bytes, message: bytes, signature: bytes) -> bool:
    try:
        nacl.signing.VerifyKey(public).verify(message, signature)
        return True
    except nacl.exceptions.BadSignatureError:
        return False


def signing_public_of(seed: bytes) -> bytes:
    return bytes(nacl.signing.SigningKey(seed).verify_key)


# --- streams (attachments) ----------------------------------------------------------------------

STREAM_HEADER_BYTES = sodium.crypto_secretstream_xchacha20poly1305_HEADERBYTES
STREAM_ABYTES = sodium.crypto_secretstream_xchacha20poly1305_ABYTES
_TAG_MESSAGE = sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
_TAG_FINAL = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL


class StreamWriter:
    """secretstream push: ``header`` first, then one ciphertext per chunk, the last marked."""

    def __init__(self, key: bytes):
        self._state = sodium.crypto_secretstream_xchacha20poly1305_state()
        self.header = sodium.crypto_secretstream_xchacha20poly1305_init_push(self._state, key)

    def push(self, chunk: bytes, associated: bytes, *, final: bool) -> bytes:
        tag = _TAG_FINAL if final else _TAG_MESSAGE
        return sodium.crypto_secretstream_xchacha20poly1305_push(
            self._state, chunk, associated, tag
        )


class StreamReader:
    def __init__(self, key: bytes, header: bytes):
        self._state = sodium.crypto_secretstream_xchacha20poly1305_state()
        sodium.crypto_secretstream_xchacha20poly1305_init_pull(self._state, header, key)

    def pull(self, ciphertext: bytes, associated: bytes) -> tuple[bytes, bool]:
        try:
            chunk, tag = sodium.crypto_secretstream_xchacha20poly1305_pull(
                self._state, ciphertext, associated
            )
        except nacl.exceptions.CryptoError as error:
            raise DecryptionFailed("attachment chunk does not open") from error
        return chunk, tag == _TAG_FINAL
