"""Codenames: the applicant's only credential on the portal.

A codename is random words drawn with a CSPRNG from a word list in the applicant's language
(Russian or Ukrainian lists built by scripts/build_wordlists.py and kept in
programmes/reference/, the EFF long list for English) plus a last **check word**, a keyed hash
of the random words. The number of random words is computed at start-up from the list's real
size so that they carry at least ``MIN_BITS`` (five words of a 7,776-word list: 64.6 bits).
English codenames issued before the Russian lists (six EFF words and a check word) keep
working.

From the random words alone (and the list they come from), keyed fast hashes derive the
applicant secret, and from it the case's lookup id and an X25519 key pair: staff replies are
sealed to the applicant and readable only with the codename. No slow hash here: at 64 bits
and more, with a pepper outside the database and rate limits, brute force is already
hopeless, and a memory-hard hash per login would hand a flooder a lever (DESIGN.md).

Under coercion the applicant gives the random words with his **duress word** in place of the
check word. Duress words are also keyed hashes of the random words (``DURESS_CHOICES`` are
offered at enrolment and he picks one), so a mistyped check word is told apart from a duress
word without any database look-up.

A word of a Cyrillic list is typed in Cyrillic, in Latin transliteration or on the wrong
keyboard layout, and its first four letters are enough (vault/wordkeys.py).
"""

import itertools
import math
import re
import secrets
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NewType

from django.conf import settings

from vault import crypto, wordkeys
from vault.keys import keyring

Codename = NewType("Codename", str)

MIN_BITS = 64  # from the random words alone
LEGACY_WORDS = 6  # English codenames issued before the Russian lists: six words + check word
DURESS_CHOICES = 4
PHRASE_WORDS = 3  # a recognition phrase
MAX_INPUT = 400  # characters; anything longer is refused before any work
MIN_LIST = 4096
LANGUAGES = ("ru", "uk", "en")  # the first is the default
REFERENCE = Path(__file__).resolve().parent.parent / "programmes" / "reference"

# Latin letters typed on a Russian or Ukrainian keyboard layout by mistake (English list).
_LAYOUT = dict(zip("йцукенгшщзфывапролдячсмитьіїєґ", "qwertyuiopasdfghjklzxcvbnms]'`", strict=True))
_LAYOUT.update({"х": "[", "ъ": "]", "ж": ";", "э": "'", "б": ",", "ю": ".", "ё": "`"})
_SEPARATORS = re.compile(r"[\s\-‐-―_/|+·]+")


class CodenameError(ValueError):
    pass


class BadLength(CodenameError):
    def __init__(self, message: str, expected: int = 0):
        super().__init__(message)
        self.expected = expected


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
    language: str
    words: tuple[str, ...]
    index: dict  # normalised whole word -> position
    dropped: tuple[str, ...]
    prefixes: dict | None = None  # Cyrillic lists: {"cyr"|"lat"|"lay": {four letters: position}}

    def __repr__(self) -> str:
        return f"WordList({self.language}, {len(self.words)} words)"

    @property
    def bits_per_word(self) -> float:
        return math.log2(len(self.words))

    @property
    def length(self) -> int:
        """Random words per new codename: the fewest that carry MIN_BITS."""
        return math.ceil(MIN_BITS / self.bits_per_word)

    @property
    def bits(self) -> float:
        return self.length * self.bits_per_word

    def lengths(self) -> tuple[int, ...]:
        """Random words a typed codename of this list may have (legacy English: six too)."""
        if self.language == "en" and self.length != LEGACY_WORDS:
            return (self.length, LEGACY_WORDS)
        return (self.length,)

    def find(self, token: str) -> int | None:
        """The position of the word a typed token most likely means, or None."""
        found = self.candidates(token)
        return found[0] if found else None

    def candidates(self, token: str) -> list[int]:
        """Every word a typed token may mean, most likely first: a Latin token may be a
        transliteration of one word and another word typed on the wrong layout."""
        if self.prefixes is None:
            found = self.index.get(normalise_word(_unlayout(token)))
            return [] if found is None else [found]
        seen = []
        for kind, key in wordkeys.typed_forms(token):
            found = self.prefixes[kind].get(key)
            if found is not None and found not in seen:
                seen.append(found)
        return seen

    def latin(self, word: str) -> str:
        """How a word is spelled in Latin letters ("" for a Latin list)."""
        if self.prefixes is None:
            return ""
        return wordkeys.transliterate(word, self.language)


def normalise_word(word: str) -> str:
    text = unicodedata.normalize("NFKC", word).casefold()
    return re.sub(r"[^a-z]", "", text)


def _unlayout(token: str) -> str:
    text = unicodedata.normalize("NFKC", token).casefold()
    return "".join(_LAYOUT.get(ch, ch) for ch in text)


def _read(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [w for line in lines if not line.startswith("#") for w in line.split()]


def build_list(raw_words: list[str]) -> WordList:
    """A Latin list: normalise, drop every word that collides with another after normalisation
    (and any with a hyphen, which input splitting would cut), and check what is left."""
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
    _check_size(kept)
    return WordList("en", tuple(kept), {w: i for i, w in enumerate(kept)}, tuple(dropped))


def build_cyrillic_list(raw_words: list[str], language: str) -> WordList:
    """A Cyrillic list: every word must be unique after ё→е, in its first four letters in
    Cyrillic, in transliteration and on the wrong layout; words that are not are dropped."""
    alphabet = wordkeys.ALPHABETS[language]
    words = sorted({unicodedata.normalize("NFC", w.strip().casefold()) for w in raw_words})
    # Transliterated and layout keys are both typed in Latin letters: one namespace.
    keyed = {}
    for word in words:
        cyr, lat, lay = wordkeys.keys(word, language)
        keyed[word] = (
            cyr,
            lat,
            lay,
            ("c", cyr),
            ("f", wordkeys.fold_cyrillic(word)),
            ("l", lat),
            ("l", lay),
        )
    owners: dict[tuple[str, str], set[str]] = {}
    for word, found in keyed.items():
        for key in found[3:]:
            owners.setdefault(key, set()).add(word)
    kept, dropped = [], []
    for word, found in keyed.items():
        clash = any(len(owners[key]) > 1 for key in found[3:])
        if clash or not set(word) <= alphabet or "'" in word or len(found[0]) < 3:
            dropped.append(word)
        else:
            kept.append(word)
    _check_size(kept)
    prefixes: dict[str, dict[str, int]] = {"cyr": {}, "lat": {}, "lay": {}}
    for i, word in enumerate(kept):
        for kind, key in zip(("cyr", "lat", "lay"), keyed[word][:3], strict=True):
            prefixes[kind][key] = i
    index = {wordkeys.fold_cyrillic(w): i for i, w in enumerate(kept)}
    return WordList(language, tuple(kept), index, tuple(dropped), prefixes)


def _check_size(kept: list[str]) -> None:
    if len(kept) < MIN_LIST:
        raise BadWordList(f"the word list has {len(kept)} usable words; at least {MIN_LIST} needed")
    if max(map(len, kept)) > 12 or min(map(len, kept)) < 3:
        raise BadWordList("words must be 3 to 12 letters long")


def _default_list_path() -> Path:
    import xkcdpass

    return Path(xkcdpass.__file__).parent / "static" / "eff-long"


def list_language(language: str | None) -> str:
    """The list a language's applicants get: their own, else the default (Russian)."""
    code = (language or "").split("-")[0].lower()
    return code if code in LANGUAGES else LANGUAGES[0]


@cache
def word_list(language: str = "en") -> WordList:
    """The word list of a language (loaded once; the English list by default, as before)."""
    language = list_language(language)
    if language == "en":
        path = Path(settings.CORRIDOR_WORDLIST or _default_list_path())
        return build_list(_read(path))
    return build_cyrillic_list(_read(REFERENCE / f"wordlist-{language}.txt"), language)


@dataclass(frozen=True)
class Words:
    """The random words of a codename and the list they come from."""

    language: str
    words: tuple[str, ...]

    def __repr__(self) -> str:  # never print the words
        return "Words(…)"

    def __iter__(self):
        return iter(self.words)

    def __len__(self) -> int:
        return len(self.words)


def _as_words(words) -> Words:
    # A plain tuple is an English codename, as every codename was before the Russian lists.
    return words if isinstance(words, Words) else Words("en", tuple(words))


def _words_key(words: Words) -> bytes:
    if words.language == "en" and len(words) == LEGACY_WORDS:
        return " ".join(words.words).encode()  # as issued before the Russian lists
    return f"{words.language}:{' '.join(words.words)}".encode()


def _word_at(words: Words, digest: bytes) -> str:
    listed = word_list(words.language).words
    return listed[int.from_bytes(digest, "big") % len(listed)]


def check_word(words) -> str:
    words = _as_words(words)
    digest = crypto.keyed_hash(keyring().pepper_checkword, _words_key(words), person=b"check")
    return _word_at(words, digest)


def duress_words(words) -> list[str]:
    """The words offered as duress words for this codename (never the check word)."""
    words = _as_words(words)
    check, found, counter = check_word(words), [], 0
    while len(found) < DURESS_CHOICES:
        digest = crypto.keyed_hash(
            keyring().pepper_checkword, _words_key(words) + bytes([counter]), person=b"duress"
        )
        word = _word_at(words, digest)
        if word != check and word not in found:
            found.append(word)
        counter += 1
    return found


def duress_offer(parsed: "Parsed") -> list[str]:
    """The words a logged-in portal session offers as duress words (to set or change his).

    Logged in with the check word: the codename's own offer. Logged in with one of those words
    in its place (under duress, or by mistake): ``DURESS_CHOICES`` other words, keyed the same
    way and never the word just typed. A coercer who watched the last word being typed thus
    never finds it among the duress words, whichever login he forced; a choice made in such a
    session reaches no case (it has none)."""
    offered = duress_words(parsed.words)
    if parsed.duress_choice is None:
        return offered
    avoid, found, counter = {offered[parsed.duress_choice], check_word(parsed.words)}, [], 0
    while len(found) < DURESS_CHOICES:
        digest = crypto.keyed_hash(
            keyring().pepper_checkword, _words_key(parsed.words) + bytes([counter]), person=b"decoy"
        )
        word = _word_at(parsed.words, digest)
        if word not in avoid and word not in found:
            found.append(word)
        counter += 1
    return found


def new_codename(language: str | None = None) -> Codename:
    """Random words from the language's list (Russian by default) and the check word."""
    listed = word_list(list_language(language))
    words = Words(
        listed.language, tuple(secrets.choice(listed.words) for _ in range(listed.length))
    )
    return Codename(" ".join((*words, check_word(words))))


def recognition_phrase(language: str | None = None) -> str:
    """Three words from the applicant's list, for his instructions and drop notes."""
    listed = word_list(list_language(language)).words
    return " ".join(secrets.choice(listed) for _ in range(PHRASE_WORDS))


def spelled(text: str, language: str | None = None) -> list[tuple[str, str]]:
    """Each word of a codename or phrase with its Latin spelling, for the codename page."""
    listed = word_list(list_language(language))
    return [(word, listed.latin(word)) for word in text.split()]


def _tokens(text: str) -> list[str]:
    return [t for t in _SEPARATORS.split(unicodedata.normalize("NFKC", text)) if t]


@dataclass(frozen=True)
class Parsed:
    words: Words
    duress_choice: int | None  # None: the check word was given

    @property
    def six(self) -> Words:  # the name before the lists had five words
        return self.words

    def __repr__(self) -> str:  # never print the words
        return "Parsed(…)"


def _order(language: str | None) -> list[str]:
    first = list_language(language)
    return [first, *(code for code in LANGUAGES if code != first)]


def parse(text: str, language: str | None = None) -> Parsed:
    """Check a typed codename without touching the database. Every list whose codenames have
    as many words is tried, the applicant's language first; the check word tells them apart.

    Raises BadLength, UnknownWord (naming the word and its place in the list that knows most of
    the words) or WrongCheckWord.
    """
    if len(text) > MAX_INPUT:
        raise BadLength("too long", word_list(list_language(language)).length + 1)
    tokens = _tokens(text)
    unknown, wrong = None, False
    for code in _order(language):
        listed = word_list(code)
        if len(tokens) - 1 not in listed.lengths():
            continue
        found = [listed.candidates(token) for token in tokens]
        if [] in found:
            # Name the unknown word of the list he most likely meant: the one that knows most
            # of his words (his language's first on a tie).
            known = len(found) - found.count([])
            if unknown is None or known > unknown[0]:
                position = found.index([])
                unknown = (known, UnknownWord(tokens[position], position + 1))
            continue
        # Nearly always one reading; a Latin token rarely has two (at most 2**7 to check).
        for reading in itertools.islice(itertools.product(*found), 128):
            words = Words(code, tuple(listed.words[i] for i in reading[:-1]))
            last = listed.words[reading[-1]]
            if crypto_equal(last, check_word(words)):
                return Parsed(words, None)
            offered = duress_words(words)
            if last in offered:
                return Parsed(words, offered.index(last))
        wrong = True
    if wrong:
        raise WrongCheckWord("one of the words is wrong")
    if unknown is not None:
        raise unknown[1]
    expected = word_list(list_language(language)).length + 1
    raise BadLength(f"{len(tokens)} words instead of {expected}", expected)


def crypto_equal(a: str, b: str) -> bool:
    return secrets.compare_digest(a.encode(), b.encode())


@dataclass(frozen=True)
class ApplicantSecret:
    lookup_id: bytes
    private_key: bytes
    public_key: bytes

    def __repr__(self) -> str:
        return "ApplicantSecret(…)"


def derive(words) -> ApplicantSecret:
    """Lookup id and key pair from the random words (never the check or duress word)."""
    key = _words_key(_as_words(words))
    secret = crypto.keyed_hash(keyring().pepper_codename, key, person=b"applicant")
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

    secret = derive(parsed.words)
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
