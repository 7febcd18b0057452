"""Payloads for the workers: anything that waits in the outbox (a login, a message, an answer,
and the case it concerns) is sealed to the workers' delivery key, whose private half lives only
where workers run (`delivery.key`; hidden from the web processes by the systemd unit).

Every payload is padded to a size class (``MIN_SIZE`` bytes, then powers of two) before
sealing, so that rows of one class look alike: a login and a short message cannot be told
apart by their length, nor one case's row from another's.
"""

import base64
import json

from vault import crypto
from vault.keys import keyring

MIN_SIZE = 2048  # bytes of plaintext: every login, and any message up to ~1,000 Cyrillic letters


class NoDeliveryKey(Exception):
    """This host holds no delivery private key: only workers open payloads."""


def _padded(payload: dict) -> bytes:
    # JSON ignores trailing whitespace, so the padding needs no framing of its own.
    raw = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    size = MIN_SIZE
    while size < len(raw):
        size *= 2
    return raw + b" " * (size - len(raw))


def seal_for_worker(payload: dict) -> str:
    sealed = crypto.seal(keyring().delivery_public, _padded(payload))
    return base64.b64encode(sealed).decode()


def open_for_worker(token: str) -> dict:
    private = keyring().delivery_private
    if private is None:
        raise NoDeliveryKey("no delivery.key on this host")
    return json.loads(crypto.unseal(private, base64.b64decode(token)))
