"""Attachments: chunked secretstream encryption, only ciphertext on disk, server-chosen names."""

import io
import os
from pathlib import Path

import pytest

from vault import attachments, records
from vault.policy import IDENTITY

from .conftest import make_case, private_of


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def _open_values(user, record):
    return records.decrypt(record, records.data_key(user, private_of(user), record))


@pytest.mark.parametrize(
    "size", [0, 1, attachments.CHUNK - 1, attachments.CHUNK, 3 * attachments.CHUNK + 17]
)
def test_a_file_round_trips_in_chunks(programme, media, size):
    data = os.urandom(size)
    record = attachments.seal_file(
        make_case(),
        IDENTITY,
        io.BytesIO(data),
        filename="паспорт Иванова.jpg",
        content_type="image/jpeg",
    )
    values = _open_values(programme.users["operator"], record)
    assert values["size"] == size and values["filename"] == "паспорт Иванова.jpg"
    assert b"".join(attachments.read_file(values)) == data
    (stored,) = list(Path(media, "vault").iterdir())
    assert stored.name == values["file"] and "Иванова" not in stored.name
    if size >= 16:  # a shorter plaintext may occur in random ciphertext by chance
        assert data[:64] not in stored.read_bytes()


def test_a_changed_or_truncated_file_is_detected(programme, media):
    record = attachments.seal_file(
        make_case(),
        IDENTITY,
        io.BytesIO(b"x" * 200_000),
        filename="a.bin",
        content_type="application/octet-stream",
    )
    values = _open_values(programme.users["operator"], record)
    path = Path(media, "vault", values["file"])
    data = bytearray(path.read_bytes())
    path.write_bytes(bytes(data[: len(data) - 100]))
    with pytest.raises(attachments.BrokenFile):
        b"".join(attachments.read_file(values))
    data[100] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(attachments.BrokenFile):
        b"".join(attachments.read_file(values))


def test_chunks_cannot_move_to_another_file(programme, media):
    operator = programme.users["operator"]
    first = _open_values(
        operator,
        attachments.seal_file(
            make_case(), IDENTITY, io.BytesIO(b"a" * 10), filename="a", content_type="x"
        ),
    )
    second = _open_values(
        operator,
        attachments.seal_file(
            make_case(), IDENTITY, io.BytesIO(b"b" * 10), filename="b", content_type="x"
        ),
    )
    moved = dict(second, key=first["key"])
    Path(media, "vault", second["file"]).write_bytes(
        Path(media, "vault", first["file"]).read_bytes()
    )
    with pytest.raises(attachments.BrokenFile):
        b"".join(attachments.read_file(moved))
