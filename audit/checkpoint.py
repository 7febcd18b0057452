"""Signed checkpoints of the audit chain's head, to keep off the host.

``verify`` alone cannot catch someone who rewrites the whole table and the chain-head row: the
rewritten chain is consistent. A checkpoint is one line, signed with the programme's Ed25519 key:

    corridor-audit-checkpoint v1 <seq> <hash> <issued, UTC> <signature, base64>

Because every event's hash covers the one before it, an intact chain whose event ``seq`` still
has ``hash`` is, from event 1 to ``seq``, the chain that was signed. A copy kept where the
database's writers cannot reach turns a silent rewrite into a named mismatch.

A checkpoint covers the chain *before* its own ``audit_checkpoint`` event: that event's detail
repeats the signed seq and hash (it cannot hold its own hash), and the next checkpoint covers it.
``check`` insists that this event is there, so cutting the chain back to a checkpoint is caught
too.

Checkpoints are kept in ``CORRIDOR_AUDIT_CHECKPOINTS`` hourly (a systemd timer) and right after
every key operation (``audit.log.KEY_OPERATIONS``), so a database writer
who deletes recent events can remove at most what was written since the last one.
"""

import base64
import binascii
import logging
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.log import GENESIS, record
from audit.models import ChainHead, Event
from vault import signing

logger = logging.getLogger("corridor.audit")

MAGIC = "corridor-audit-checkpoint"
VERSION = "v1"
_LINE = re.compile(
    r"^corridor-audit-checkpoint v1 (?P<seq>0|[1-9][0-9]{0,18}) (?P<hash>[0-9a-f]{64}) "
    r"(?P<at>[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z) "
    r"(?P<signature>[A-Za-z0-9+/]{86}==)$"
)


class BadCheckpoint(ValueError):
    """A line that is not a checkpoint, or one this programme's key did not sign.

    The message names where the line came from, never its content."""


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str
    signature: bytes
    source: str = ""  # "file:line", for messages

    def statement(self) -> bytes:
        """The bytes the signature covers (vault.signing adds the domain prefix)."""
        return f"{self.seq} {self.hash} {self.at}".encode()

    def line(self) -> str:
        signature = base64.b64encode(self.signature).decode()
        return f"{MAGIC} {VERSION} {self.seq} {self.hash} {self.at} {signature}"

    def __str__(self) -> str:
        where = f" {self.source}" if self.source else ""
        return f"checkpoint{where} (event #{self.seq})"


def issue() -> Checkpoint:
    """Sign the current chain head and record an ``audit_checkpoint`` event after it.

    Opens (or joins) a transaction: the caller may write the line out inside it, so that the
    event commits only if the line was kept."""
    with transaction.atomic():
        # The head's lock is held until commit, so no event slips in between the head we sign
        # and the event that says we signed it.
        head = ChainHead.objects.select_for_update().filter(pk=1).first()
        seq, hash_ = (head.seq, head.hash) if head is not None else (0, GENESIS)
        at = timezone.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        unsigned = Checkpoint(seq=seq, hash=hash_, at=at, signature=b"")
        record("audit_checkpoint", object_type="audit", object_id="cli", seq=seq, hash=hash_)
        return Checkpoint(
            seq=seq, hash=hash_, at=at, signature=signing.sign_checkpoint(unsigned.statement())
        )


def append_line(path: str, line: str) -> None:
    """Append one line to ``path`` (created 0600) and flush it to disk; OSError if it cannot."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as kept:
        kept.write(line + "\n")
        kept.flush()
        os.fsync(kept.fileno())


def keep(path: str | None = None) -> Checkpoint:
    """Issue a checkpoint and append it to ``path`` (the configured file by default); its
    ``audit_checkpoint`` event commits only if the line was written."""
    with transaction.atomic():
        made = issue()
        append_line(path or settings.CORRIDOR_AUDIT_CHECKPOINTS, made.line())
    return made


def keep_after_commit() -> None:
    """Keep a checkpoint once the current transaction commits (a key operation's events are
    then covered). Taken inside the transaction, a rollback would leave a line that names
    events which never existed. A failure is logged, not raised: the operation is done."""

    def _keep() -> None:
        try:
            keep()
        except OSError as error:
            logger.error("audit checkpoint after a key operation not kept: %s", error.strerror)

    transaction.on_commit(_keep)


def parse(line: str, source: str) -> Checkpoint:
    """Read one checkpoint line and check its signature; raise BadCheckpoint naming ``source``."""
    match = _LINE.match(line.strip())
    if match is None:
        raise BadCheckpoint(f"{source} is not an audit checkpoint line")
    try:
        signature = base64.b64decode(match["signature"], validate=True)
    except binascii.Error as error:
        raise BadCheckpoint(f"{source} is not an audit checkpoint line") from error
    checkpoint = Checkpoint(
        seq=int(match["seq"]),
        hash=match["hash"],
        at=match["at"],
        signature=signature,
        source=source,
    )
    if not signing.verify_checkpoint(checkpoint.statement(), signature):
        raise BadCheckpoint(f"{checkpoint} is not signed by this programme's key")
    return checkpoint


def read(lines: Iterable[str], name: str) -> list[Checkpoint]:
    """Every checkpoint in a file's lines; blank lines and ``#`` comments are skipped."""
    found = []
    for number, line in enumerate(lines, start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            found.append(parse(line, f"{name}:{number}"))
    return found


def check(checkpoints: list[Checkpoint], batch: int = 500) -> tuple[Checkpoint, str] | None:
    """The first checkpoint the stored chain contradicts, with the reason; None if none does.

    Only the named events are read: together with ``log.verify`` (every link intact) a matching
    hash at ``seq`` vouches for events 1 to ``seq``."""
    ordered = sorted(checkpoints, key=lambda c: c.seq)
    wanted = sorted({c.seq for c in ordered if c.seq > 0})
    # Each checkpoint's own event (seq + 1) must follow it: cutting the chain back to a
    # checkpoint, its event included, is caught.
    own = sorted({c.seq + 1 for c in ordered})
    stored: dict[int, str] = {}
    marks: dict[int, tuple[str, dict]] = {}
    for start in range(0, len(wanted), batch):
        chunk = wanted[start : start + batch]
        stored.update(Event.objects.filter(seq__in=chunk).values_list("seq", "hash"))
    for start in range(0, len(own), batch):
        rows = Event.objects.filter(seq__in=own[start : start + batch])
        marks.update({seq: (a, d) for seq, a, d in rows.values_list("seq", "action", "detail")})
    last = Event.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    for checkpoint in ordered:
        mark = marks.get(checkpoint.seq + 1)
        if mark is None:
            return checkpoint, (
                f"its own audit_checkpoint event #{checkpoint.seq + 1} is missing "
                f"(the chain ends at event #{last}: events removed at the end?)"
            )
        action, detail = mark
        signed = {"seq": checkpoint.seq, "hash": checkpoint.hash}
        if action != "audit_checkpoint" or detail != signed:
            return checkpoint, f"event #{checkpoint.seq + 1} is not its audit_checkpoint event"
        if checkpoint.seq == 0:
            if checkpoint.hash != GENESIS:
                return checkpoint, "a checkpoint of the empty chain must hold the genesis hash"
            continue
        if checkpoint.seq not in stored:
            if checkpoint.seq > last:
                return checkpoint, f"the chain ends at event #{last} (events removed at the end?)"
            return checkpoint, "the event is missing"
        if stored[checkpoint.seq] != checkpoint.hash:
            return checkpoint, "its hash is not the signed one (the chain was rewritten)"
    return None
