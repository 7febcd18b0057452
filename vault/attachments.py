"""Attachments: encrypted in 64 KiB chunks with libsodium's secretstream, so a large file never
sits whole in memory and only ciphertext reaches the disk.

The file is named by the server (32 random hex digits under ``MEDIA_ROOT/vault/``); the
uploader's file name, type and size, and the file's own key, live only inside a sealed record
of the case. A ``StoredFile`` row names the file's case in clear (as the record's own ``case``
column does), so that crypto-shredding deletes the files of a case without opening anything
(``delete_case_files``; cases/retention.py). Every chunk carries the file's name as associated
data, so ciphertext moved to another file fails to open, and the final-chunk tag makes a
truncated file fail too.
"""

import re
import secrets
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from vault import crypto, records
from vault.models import Record, StoredFile

CHUNK = 64 * 1024


class BrokenFile(Exception):
    """The file is missing, truncated or was changed."""


def _dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "vault"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _path(values: dict) -> Path:
    """The file of an opened attachment record; refuses any name the server would not make."""
    name = values.get("file", "")
    if not re.fullmatch(r"[0-9a-f]{32}", name):
        raise BrokenFile("not an attachment file name")
    return _dir() / name


def _ad(name: str) -> bytes:
    return f"vault_file|{name}|chunk".encode()


def seal_file(
    case, compartment: str, stream, *, filename: str, content_type: str, actor=None
) -> Record:
    """Encrypt ``stream`` to a server-named file; its metadata and key become a sealed record."""
    name = secrets.token_hex(16)
    StoredFile.objects.create(name=name, case=case)  # before the file: never an unlisted file
    key = crypto.random_key()
    writer = crypto.StreamWriter(key)
    size, pending = 0, None
    with (_dir() / name).open("xb") as out:
        out.write(writer.header)
        while block := stream.read(CHUNK):
            if pending is not None:
                out.write(writer.push(pending, _ad(name), final=False))
            size += len(block)
            pending = block
        out.write(writer.push(pending or b"", _ad(name), final=True))
    values = {
        "file": name,
        "key": key.hex(),
        "filename": filename,
        "content_type": content_type,
        "size": size,
    }
    return records.seal(case, compartment, values, kind="attachment", actor=actor)


def read_file(values: dict) -> Iterator[bytes]:
    """Plaintext chunks of an attachment whose record ``values`` the caller has opened."""
    path = _path(values)
    name = path.name
    if not path.is_file():
        raise BrokenFile("the attachment file is missing")
    step = CHUNK + crypto.STREAM_ABYTES
    with path.open("rb") as handle:
        reader = crypto.StreamReader(
            bytes.fromhex(values["key"]), handle.read(crypto.STREAM_HEADER_BYTES)
        )
        while True:
            block = handle.read(step)
            if not block:
                raise BrokenFile("the attachment ends before its final chunk")
            try:
                chunk, final = reader.pull(block, _ad(name))
            except crypto.DecryptionFailed as error:
                raise BrokenFile("an attachment chunk was changed") from error
            yield chunk
            if final:
                return


def delete_file(values: dict) -> None:
    """Delete one attachment file and its file-to-case row; the caller deletes its record."""
    path = _path(values)
    path.unlink(missing_ok=True)
    StoredFile.objects.filter(name=path.name).delete()


def delete_case_files(case) -> int:
    """Delete every attachment file of ``case`` from the disk, without any key (retention).
    The caller deletes the rows (and the records) in its transaction."""
    count = 0
    for name in StoredFile.objects.filter(case=case).values_list("name", flat=True):
        if re.fullmatch(r"[0-9a-f]{32}", name):
            (_dir() / name).unlink(missing_ok=True)
            count += 1
    return count
