"""Telegram chat ids, which reach a person, are kept the vault's way (DESIGN.md, "Channels").

* A chat is found by ``chat_lookup``: a **full-length** (256-bit) keyed BLAKE2b hash of the chat
  id under its own subkey of the index pepper. It is a lookup key, not a dedup index: it is not
  truncated, so it names exactly one chat, and without the pepper a table of them cannot be
  matched against a list of known chat ids.
* The dialog's state (answers in progress, message ids to delete) is XChaCha20-Poly1305 under a
  key derived from the chat id with another subkey: the database alone, or the database and the
  pepper without the chat id, opens nothing. The row's lookup is the associated data, so a
  state moved to another row fails.
* For replies later, the chat id itself is sealed to the workers' delivery key
  (``seal_chat``): the web host can queue a reply but cannot read whom it goes to.
"""

import json

from vault import crypto
from vault.delivery import NoDeliveryKey
from vault.keys import keyring

_STATE_AD = b"telegram_chat|state|"


def _subkey(name: str) -> bytes:
    return crypto.keyed_hash(keyring().pepper_index, name.encode(), person=b"telegram-subkey")


def _chat_bytes(chat_id: int) -> bytes:
    return str(int(chat_id)).encode()


def chat_lookup(chat_id: int) -> bytes:
    """The 32-byte lookup key of a chat (never truncated)."""
    return crypto.keyed_hash(_subkey("lookup"), _chat_bytes(chat_id), person=b"telegram-lookup")


def seal_state(chat_id: int, lookup: bytes, state: dict) -> bytes:
    key = crypto.keyed_hash(_subkey("state"), _chat_bytes(chat_id), person=b"telegram-state")
    return crypto.aead_encrypt(key, json.dumps(state).encode(), _STATE_AD + lookup)


def open_state(chat_id: int, lookup: bytes, sealed: bytes) -> dict | None:
    """The dialog state, or None if it does not open (another chat's, or changed bytes)."""
    key = crypto.keyed_hash(_subkey("state"), _chat_bytes(chat_id), person=b"telegram-state")
    try:
        return json.loads(crypto.aead_decrypt(key, sealed, _STATE_AD + lookup))
    except crypto.DecryptionFailed:
        return None


def seal_chat(chat_id: int) -> bytes:
    """The chat id sealed to the workers' delivery key (only workers open it)."""
    return crypto.seal(keyring().delivery_public, _chat_bytes(chat_id))


def open_chat(sealed: bytes) -> int:
    private = keyring().delivery_private
    if private is None:
        raise NoDeliveryKey("no delivery.key on this host")
    return int(crypto.unseal(private, bytes(sealed)))
