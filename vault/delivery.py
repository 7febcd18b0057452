"""Payloads for the workers: anything personal that waits in the outbox (a message, an answer)
is sealed to the workers' delivery key, whose private half lives only where workers run
(`delivery.key`; hidden from the web processes by the systemd unit)."""

import base64
import json

from vault import crypto
from vault.keys import keyring


class NoDeliveryKey(Exception):
    """This host holds no delivery private key: only workers open payloads."""


def seal_for_worker(payload: dict) -> str:
    sealed = crypto.seal(keyring().delivery_public, json.dumps(payload).encode())
    return base64.b64encode(sealed).decode()


def open_for_worker(token: str) -> dict:
    private = keyring().delivery_private
    if private is None:
        raise NoDeliveryKey("no delivery.key on this host")
    return json.loads(crypto.unseal(private, base64.b64decode(token)))
