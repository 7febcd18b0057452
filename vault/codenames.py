"""Codenames: the applicant's only credential on the portal.

A codename is 6 words drawn with a CSPRNG from a list of about 7,776 words plus a 7th
**check word**, a keyed hash of the six. From the six words alone, keyed fast hashes derive
the applicant secret, and from it the case's lookup id and an X25519 key pair: staff replies
are sealed to the applicant and readable only with the codename. No slow hash here: at ~77
bits, brute force is already hopeless, and a memory-hard hash per login would hand a flooder a
lever (DESIGN.md).

Under coercion the applicant gives the six words with his **duress word** in place of the check
word. Duress words are also keyed hashes of the six (``DURESS_CHOICES`` of them are offered at
enrolment and he picks one), so a mistyped check word is told apart from a duress word without
any database look-up.
"""

import math
import re
import secrets
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NewType

from django.conf import settings

from vault import crypto
from vault.keys import keyring

Codename = NewType("Codename", str)

WORDS = 6
DURESS_CHOICES = 4
MAX_INPUT = 400  # characters; anything longer is refused before any work
MIN_LIST = 4096

# Latin letters typed on a Russian or Ukrainian keyboard layout by mistake.
_LAYOUT = dict(zip("йцукенгшщзфывапролдячсмитьіїєґ", "qwertyuiopasdfghjklzxcvbnms]'`", strict=True))
_LAYOUT.update({"х": "[", "ъ": "]", "ж": ";", "э": "'", "б": ",", "ю": ".", "ё": "`"})


class CodenameError(ValueError):
    pass


class BadLength(CodenameError):
    pass


class UnknownWord(CodenameError):
    def __init__(self, word: str, position: int):
        super().__init__("a word is not in the list")
        self.word, self.position = word, position


class WrongCheckWord(CodenameError):
    pass


class BadWordList(Exception):
    pass


@dataclass(frozen=True)
class WordList:
    words: tuple[str, ...]
    index: dict
    dropped: tuple[str, ...]

    @property
    def bits_per_word(self) -> float:
        return math.log2(len(self.words))

    @property
    def bits(self) -> float:
        return WORDS * self.bits_per_word


def normalise_word(word: str) -> str:
    text = unicodedata.normalize("NFKC", word).casefold()
    return re.sub(r"[^a-z]", "", text)


def build_list(raw_words: list[str]) -> WordList:
    """Normalise, drop every word that collides with another after normalisation (and any
    with a hyphen, which input splitting would cut), and check what is left."""
    seen: dict[str, int] = {}
    for word in raw_words:
        key = normalise_word(word)
        seen[key] = seen.get(key, 0) + 1
    kept, dropped = [], []
    for word in raw_words:
        key = normalise_word(word)
        if not key or seen[key] > 1 or not re.fullmatch(r"[a-z]+", word.strip().casefold()):
            dropped.append(word)
        else:
            kept.append(key)
    kept = sorted(set(kept))
    if len(kept) < MIN_LIST:
        raise BadWordList(f"the word list has {len(kept)} usable words; at least {MIN_LIST} needed")
    if max(map(len, kept)) > 12 or min(map(len, kept)) < 3:
        raise BadWordList("words must be 3 to 12 letters long")
    return WordList(tuple(kept), {w: i for i, w in enumerate(kept)}, tuple(dropped))


def _default_list_path() -> Path:
    import xkcdpass

    return Path(xkcdpass.__file__).parent / "static" / "eff-long"


@cache
def word_list() -> WordList:
    path = Path(settings.CORRIDOR_WORDLIST or _default_list_path())
    return build_list(path.read_text(encoding="utf-8").split())


def _six_key(six: tuple[str, ...]) -> bytes:
    return " ".join(six).encode()


def _word_at(digest: bytes) -> str:
    words = word_list().words
    return words[int.from_bytes(digest, "big") % len(words)]


def check_word(six: tuple[str, ...]) -> str:
    return _word_at(crypto.keyed_hash(keyring().pepper_checkword, _six_key(six), person=b"check"))


def duress_words(six: tuple[str, ...]) -> list[str]:
    """The words offered as duress words for this codename (never the check word)."""
    check, found, counter = check_word(six), [], 0
    while len(found) < DURESS_CHOICES:
        digest = crypto.keyed_hash(
            keyring().pepper_checkword, _six_key(six) + bytes([counter]), person=b"duress"
        )
        word = _word_at(digest)
        if word != check and word not in found:
            found.append(word)
        counter += 1
    return found


def duress_offer(parsed: "Parsed") -> list[str]:
    """The words a logged-in portal session offers as duress words (to set or change his).

    Logged in with the check word: the codename's own offer. Logged in with one of those words
    in its place (under duress, or by mistake): ``DURESS_CHOICES`` other words, keyed the same
    way and never the word just typed. A coercer who watched the seventh word being typed thus
    never finds it among the duress words, whichever login he forced; a choice made in such a
    session reaches no case (it has none)."""
    offered = duress_words(parsed.six)
    if parsed.duress_choice is None:
        return offered
    avoid, found, counter = {offered[parsed.duress_choice], check_word(parsed.six)}, [], 0
    while len(found) < DURESS_CHOICES:
        digest = crypto.keyed_hash(
            keyring().pepper_checkword, _six_key(parsed.six) + bytes([counter]), person=b"decoy"
        )
        word = _word_at(digest)
        if word not in avoid and word not in found:
            found.append(word)
        counter += 1
    return found


def new_codename() -> Codename:
    words = word_list().words
    six = tuple(secrets.choice(words) for _ in range(WORDS))
    return Codename(" ".join((*six, check_word(six))))


def _tokens(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(_LAYOUT.get(ch, ch) for ch in text)
    return [t for t in re.split(r"[^a-z]+", text) if t]


@dataclass(frozen=True)
class Parsed:
    six: tuple[str, ...]
    duress_choice: int | None  # None: the check word was given

    def __repr__(self) -> str:  # never print the words
        return "Parsed(…)"


def parse(text: str) -> Parsed:
    """Check a typed codename without touching the database.

    Raises BadLength, UnknownWord (naming the word and its place) or WrongCheckWord.
    """
    if len(text) > MAX_INPUT:
        raise BadLength("too long")
    tokens = _tokens(text)
    if len(tokens) != WORDS + 1:
        raise BadLength(f"{len(tokens)} words instead of {WORDS + 1}")
    index = word_list().index
    for position, token in enumerate(tokens, start=1):
        if token not in index:
            raise UnknownWord(token, position)
    six, last = tuple(tokens[:WORDS]), tokens[WORDS]
    if crypto_equal(last, check_word(six)):
        return Parsed(six, None)
    offered = duress_words(six)
    if last in offered:
        return Parsed(six, offered.index(last))
    raise WrongCheckWord("one of the words is wrong")


def crypto_equal(a: str, b: str) -> bool:
    return secrets.compare_digest(a.encode(), b.encode())


@dataclass(frozen=True)
class ApplicantSecret:
    lookup_id: bytes
    private_key: bytes
    public_key: bytes

    def __repr__(self) -> str:
        return "ApplicantSecret(…)"


def derive(six: tuple[str, ...]) -> ApplicantSecret:
    """Lookup id and key pair from the six random words (never the check or duress word)."""
    secret = crypto.keyed_hash(keyring().pepper_codename, _six_key(six), person=b"applicant")
    lookup = crypto.keyed_hash(secret, b"lookup", person=b"lookup-id")
    private, public = crypto.keypair_from_seed(
        crypto.keyed_hash(secret, b"x25519", person=b"x25519")
    )
    return ApplicantSecret(lookup, private, public)


@dataclass(frozen=True)
class Login:
    """What a codename login found. ``case`` is None for an unknown codename and for a duress
    word other than the one the applicant chose; ``duress`` is True only for his chosen one."""

    case: object
    duress: bool
    secret: ApplicantSecret

    def __repr__(self) -> str:
        return "Login(…)"


def register(case, secret: ApplicantSecret, *, duress_choice: int | None = None):
    """Tie a new case to its codename: lookup id and signed public key, nothing else."""
    from vault.models import ApplicantKey
    from vault.records import clear_time
    from vault.signing import sign_key

    if duress_choice is not None and not 0 <= duress_choice < DURESS_CHOICES:
        raise ValueError("duress_choice out of range")
    key = ApplicantKey(
        case=case,
        lookup_id=secret.lookup_id,
        public_key=secret.public_key,
        duress_choice=duress_choice,
        created_at=clear_time(case),
    )
    sign_key(key)
    key.save(force_insert=True)
    return key


def lookup(parsed: Parsed) -> Login:
    """One indexed query, the same for a known and an unknown codename."""
    from vault.models import ApplicantKey

    secret = derive(parsed.six)
    key = ApplicantKey.objects.select_related("case").filter(lookup_id=secret.lookup_id).first()
    if key is None:
        return Login(None, False, secret)
    if parsed.duress_choice is None:
        return Login(key.case, False, secret)
    if key.duress_choice is not None and crypto_equal(
        str(key.duress_choice), str(parsed.duress_choice)
    ):
        return Login(key.case, True, secret)
    return Login(None, False, secret)


def set_duress_choice(case, choice: int) -> None:
    """Record which offered duress word the applicant chose (an index, never the word)."""
    from vault.models import ApplicantKey

    if not 0 <= choice < DURESS_CHOICES:
        raise ValueError("no such duress word")
    ApplicantKey.objects.filter(case=case).update(duress_choice=choice)


def replace(case, secret: ApplicantSecret) -> None:
    """Give a case a new codename (after duress, or a codename given away): the old one stops
    working at once. Messages sealed to the old key stay unreadable to the new one."""
    from vault.models import ApplicantKey
    from vault.records import clear_time
    from vault.signing import sign_key

    ApplicantKey.objects.filter(case=case).delete()
    key = ApplicantKey(
        case=case,
        lookup_id=secret.lookup_id,
        public_key=secret.public_key,
        created_at=clear_time(case),
    )
    sign_key(key)
    key.save(force_insert=True)
