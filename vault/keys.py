"""The key directory: the secrets that live outside the database.

``corridor keys init`` writes, in ``CORRIDOR_KEY_DIR`` (0700, files 0600, never overwritten):

===================  =========================================================================
escrow.pub           public half of the escrow key; the private half exists only as 5 SLIP-39
                     word shares on paper, any 3 of which rebuild it (vault/escrow.py)
signing.key/.pub     Ed25519 programme key that signs instructions and audit checkpoints
pepper-index         root of the blind-index subkeys (one per index, vault/blind.py)
pepper-codename      keys the applicant secret derived from a codename (vault/codenames.py)
pepper-checkword     keys the codename's check word and duress words
wrap.secret          mixed with each staff password's Argon2id output to wrap staff keys;
                     also derives the keys that seal TOTP seeds and hash backup codes
                     (vault/second_factors.py)
delivery.pub/.key    the workers' key pair: payloads for delivery are sealed to it; the
                     private half is needed only where ``corridor worker`` runs
audit.key            keys every link of the audit chain (audit/log.py): a database writer
                     without it cannot recompute the chain after editing an event
audit.since          only on installs older than audit.key: the first event it keys (written
                     by ``corridor keys add-audit-key``; events before it keep plain SHA-256)
===================  =========================================================================

The server refuses to start when one is missing or when an escrow private key lies on its
disks (vault/checks.py, corridor/wsgi.py).
"""

import base64
import binascii
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

from vault import crypto, escrow

REQUIRED = {
    "escrow.pub": 32,
    "signing.key": 32,
    "signing.pub": 32,
    "pepper-index": 32,
    "pepper-codename": 32,
    "pepper-checkword": 32,
    "wrap.secret": 32,
    "delivery.pub": 32,
    "audit.key": 32,
}
OPTIONAL = {"delivery.key": 32}
AUDIT_SINCE = "audit.since"


class KeysMissing(Exception):
    pass


class KeysExist(Exception):
    pass


@dataclass(frozen=True)
class KeyRing:
    escrow_public: bytes
    signing_seed: bytes
    signing_public: bytes
    pepper_index: bytes
    pepper_codename: bytes
    pepper_checkword: bytes
    wrap_secret: bytes
    delivery_public: bytes
    delivery_private: bytes | None
    audit_key: bytes = b""
    # The first audit event keyed with ``audit_key``: 1 on installs made with the key, later on
    # installs that added it (``add_audit_key``). Events before it keep plain SHA-256 links.
    audit_since: int = 1

    def __repr__(self) -> str:  # never print key material
        return "KeyRing(…)"


def key_dir() -> Path:
    return Path(settings.CORRIDOR_KEY_DIR)


def _write(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def init_keys(directory: Path | None = None) -> list[str]:
    """Create every key; return the 5 escrow word shares (shown once, kept nowhere)."""
    directory = Path(directory or key_dir())
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    existing = [n for n in [*REQUIRED, *OPTIONAL] if (directory / n).exists()]
    if existing:
        raise KeysExist(
            f"{directory} already holds keys ({', '.join(sorted(existing))}); refusing to overwrite"
        )
    escrow_private, escrow_public = crypto.new_keypair()
    shares = escrow.split(escrow_private)
    signing_seed, signing_public = crypto.signing_keypair()
    delivery_private, delivery_public = crypto.new_keypair()
    files = {
        "escrow.pub": escrow_public,
        "signing.key": signing_seed,
        "signing.pub": signing_public,
        "pepper-index": crypto.random_key(),
        "pepper-codename": crypto.random_key(),
        "pepper-checkword": crypto.random_key(),
        "wrap.secret": crypto.random_key(),
        "delivery.pub": delivery_public,
        "delivery.key": delivery_private,
        "audit.key": crypto.random_key(),
    }
    for name, data in files.items():
        _write(directory / name, data)
    del escrow_private
    reload()
    return shares


def problems(directory: Path | None = None) -> list[str]:
    """What stops a start: missing or malformed keys, or an escrow private key on disk."""
    directory = Path(directory or key_dir())
    found = []
    if not directory.is_dir():
        return [f"key directory {directory} does not exist: run `corridor keys init`"]
    for name, size in REQUIRED.items():
        path = directory / name
        if not path.is_file():
            command = "add-audit-key" if name == "audit.key" else "init"
            found.append(f"{name} is missing from {directory}: run `corridor keys {command}`")
        elif path.stat().st_size != size:
            found.append(f"{name} in {directory} is not {size} bytes")
    escrow_public = directory / "escrow.pub"
    if escrow_public.is_file():
        found += [
            f"an escrow private key lies at {p}: move it offline and delete it"
            for p in escrow_private_copies(escrow_public.read_bytes(), _scan_roots(directory))
        ]
    return found


def _scan_roots(directory: Path) -> list[Path]:
    roots = [directory, Path(settings.MEDIA_ROOT), Path(settings.BASE_DIR) / "var"]
    return list(dict.fromkeys(r for r in roots if r.is_dir()))


def escrow_private_copies(
    escrow_public: bytes, roots: list[Path], limit: int = 20000
) -> list[Path]:
    """Files holding the escrow private key (raw 32 bytes, hex or base64) or an escrow word
    share (a pasted `keys init` output). Shares and key belong offline, never on this host."""
    hits, seen = [], 0
    for root in roots:
        for path in root.rglob("*"):
            seen += 1
            if seen > limit:
                return hits
            try:
                if not path.is_file() or path.is_symlink() or path.stat().st_size > 64 * 1024:
                    continue
                data = path.read_bytes()
            except OSError:  # unreadable to this process (e.g. hidden from the web service)
                continue
            if any(crypto.public_of(c) == escrow_public for c in _key_candidates(data)):
                hits.append(path)
            elif b"\0" not in data[:512] and escrow.contains_share(data.decode("utf-8", "replace")):
                hits.append(path)
    return hits


def _key_candidates(data: bytes) -> list[bytes]:
    found = [data] if len(data) == 32 else []
    text = data.strip()
    if len(text) > 100:
        return found
    for decode in (binascii.unhexlify, base64.b64decode):
        try:
            decoded = decode(text)
        except (binascii.Error, ValueError):
            continue
        if len(decoded) == 32:
            found.append(decoded)
    return found


@cache
def _load(directory: str) -> KeyRing:
    path = Path(directory)
    issues = problems(path)
    if issues:
        raise KeysMissing("; ".join(issues))

    def read(name: str) -> bytes:
        return (path / name).read_bytes()

    delivery = path / "delivery.key"
    return KeyRing(
        escrow_public=read("escrow.pub"),
        signing_seed=read("signing.key"),
        signing_public=read("signing.pub"),
        pepper_index=read("pepper-index"),
        pepper_codename=read("pepper-codename"),
        pepper_checkword=read("pepper-checkword"),
        wrap_secret=read("wrap.secret"),
        delivery_public=read("delivery.pub"),
        delivery_private=delivery.read_bytes() if delivery.is_file() else None,
        audit_key=read("audit.key"),
        audit_since=int(read(AUDIT_SINCE)) if (path / AUDIT_SINCE).is_file() else 1,
    )


def add_audit_key(first_keyed_event: int, directory: Path | None = None) -> None:
    """Give an install made before ``audit.key`` existed its key, keying every event from
    ``first_keyed_event`` on. Refuses to overwrite. The caller holds the audit chain's lock, so
    no event is written between reading the head and keying the next one."""
    directory = Path(directory or key_dir())
    if (directory / "audit.key").exists() or (directory / AUDIT_SINCE).exists():
        raise KeysExist(f"{directory} already holds an audit key; refusing to overwrite")
    _write(directory / AUDIT_SINCE, str(int(first_keyed_event)).encode())
    _write(directory / "audit.key", crypto.random_key())
    reload()


def keyring() -> KeyRing:
    """The programme's keys, read once per process from the key directory."""
    return _load(str(key_dir()))


def reload() -> None:
    """Forget the keys read so far (after `keys init`, or when tests switch key directories)."""
    _load.cache_clear()
