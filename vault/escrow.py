"""The escrow key as 5 SLIP-39 word shares, any 3 of which rebuild it.

Shares are made by Trezor's reference implementation of SLIP-39 (``shamir-mnemonic``). The
escrow private key exists only in memory: while ``corridor keys init`` splits it and while
``corridor keys recover`` uses it.
"""

import shamir_mnemonic

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
