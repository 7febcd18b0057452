"""The escrow key as 5 SLIP-39 word shares, any 3 of which rebuild it.

Shares are made by Trezor's reference implementation of SLIP-39 (``shamir-mnemonic``). The
escrow private key exists only in memory: while ``corridor keys init`` splits it and while
``corridor keys recover`` uses it.
"""

import re

import shamir_mnemonic
from shamir_mnemonic.share import Share
from shamir_mnemonic.wordlist import WORD_INDEX_MAP

THRESHOLD, SHARES = 3, 5


class BadShares(Exception):
    """The words given do not rebuild the escrow key (too few, mistyped, or another key's)."""


def split(private_key: bytes) -> list[str]:
    groups = shamir_mnemonic.generate_mnemonics(1, [(THRESHOLD, SHARES)], private_key)
    return groups[0]


def combine(shares: list[str]) -> bytes:
    cleaned = [" ".join(s.lower().split()) for s in shares if s.strip()]
    try:
        return shamir_mnemonic.combine_mnemonics(cleaned)
    except (shamir_mnemonic.MnemonicError, ValueError) as error:
        raise BadShares(str(error).split(" starting with")[0]) from error


def contains_share(text: str) -> bool:
    """Whether ``text`` holds a valid SLIP-39 share (33 words of its list with a good checksum):
    shares belong on paper, never on a server's disk."""
    run: list[str] = []
    for word in [*re.findall(r"[a-z]+", text.lower()), ""]:
        if word in WORD_INDEX_MAP:
            run.append(word)
            continue
        for start in range(0, max(0, len(run) - 19)):
            for length in (20, 33):
                candidate = run[start : start + length]
                if len(candidate) == length and _valid(" ".join(candidate)):
                    return True
        run = []
    return False


def _valid(mnemonic: str) -> bool:
    try:
        Share.from_mnemonic(mnemonic)
    except (shamir_mnemonic.MnemonicError, ValueError):
        return False
    return True
