"""The key directory: made once, never overwritten, and no escrow private key on disk."""

import os
import stat

import pytest

from vault import crypto, escrow, keys


def test_init_writes_every_key_0600_and_refuses_to_overwrite(tmp_path):
    shares = keys.init_keys(tmp_path / "k")
    assert len(shares) == escrow.SHARES
    for name in keys.REQUIRED:
        mode = stat.S_IMODE(os.stat(tmp_path / "k" / name).st_mode)
        assert mode == 0o600, name
    assert stat.S_IMODE(os.stat(tmp_path / "k").st_mode) == 0o700
    before = (tmp_path / "k" / "wrap.secret").read_bytes()
    with pytest.raises(keys.KeysExist):
        keys.init_keys(tmp_path / "k")
    assert (tmp_path / "k" / "wrap.secret").read_bytes() == before
    assert keys.problems(tmp_path / "k") == []


def test_only_the_public_half_of_escrow_is_kept(tmp_path):
    shares = keys.init_keys(tmp_path / "k")
    private = escrow.combine(shares[:3])
    for path in (tmp_path / "k").iterdir():
        assert private not in path.read_bytes()
        assert private.hex().encode() not in path.read_bytes()


def test_a_missing_key_stops_the_start(tmp_path):
    keys.init_keys(tmp_path / "k")
    (tmp_path / "k" / "pepper-index").unlink()
    assert any("pepper-index is missing" in p for p in keys.problems(tmp_path / "k"))


@pytest.mark.parametrize(
    "encode", [bytes, lambda b: b.hex().encode(), lambda b: __import__("base64").b64encode(b)]
)
def test_an_escrow_private_key_on_disk_stops_the_start(tmp_path, settings, encode):
    directory = tmp_path / "k"
    shares = keys.init_keys(directory)
    private = escrow.combine(shares[:3])
    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "media" / "uploads").mkdir(parents=True)
    stray = tmp_path / "media" / "uploads" / "backup.bin"
    stray.write_bytes(encode(private))
    found = keys.problems(directory)
    assert any("escrow private key" in p and "backup.bin" in p for p in found)
    stray.write_bytes(encode(crypto.random_key()))  # any other 32 bytes are fine
    assert keys.problems(directory) == []


def test_a_pasted_escrow_share_on_disk_stops_the_start(tmp_path, settings):
    directory = tmp_path / "k"
    shares = keys.init_keys(directory)
    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "media").mkdir()
    note = tmp_path / "media" / "notes.txt"
    note.write_text("keeper 2 wrote:\n" + shares[1] + "\n")
    assert any("notes.txt" in p for p in keys.problems(directory))
    note.write_text("an ordinary note about academic acne and other words")
    assert keys.problems(directory) == []
