"""Blind indexes: find duplicate and watch-listed cases without decrypting anything.

Each index in ``INDEXES`` has its own subkey derived from the index pepper; its value is a
keyed BLAKE2b hash of the normalised input, **truncated** to the index's bits so that each
stored value stands for several plausible inputs. A match is therefore a *candidate* that
someone with the keys confirms by decrypting (docs/vault.md has the bit plan and the
false-match rates). Questionnaires only name an index; a low-entropy value such as a date of
birth is only ever indexed inside a compound (``name_dob``).
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

import phonenumbers
from django.conf import settings

from vault import crypto
from vault.keys import keyring


class NotIndexable(ValueError):
    """The value cannot be normalised for this index (e.g. not a phone number)."""


# Russian and Ukrainian letters to one Latin spelling. Г/Ґ/Х all fold to "h" below, so
# Russian "Григорий", Ukrainian "Григорій" and Latin "Hryhorii" meet; и/і/ы/ї/й fold to "i",
# е/є/ё/э to "e"; soft and hard signs and apostrophes vanish.
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "h", "д": "d", "е": "e", "є": "e", "ё": "e",
    "ж": "zh", "з": "z", "и": "i", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h",
    "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "i", "ь": "", "э": "e",
    "ю": "iu", "я": "ia", "'": "", "’": "", "ʼ": "",
}  # fmt: skip
# Latin spellings of the same sounds, folded the same way (order matters: longest first).
_LATIN_FOLDS = [
    ("shch", "shch"),
    ("kh", "h"),
    ("g", "h"),
    ("yu", "iu"),
    ("ju", "iu"),
    ("ya", "ia"),
    ("ja", "ia"),
    ("yo", "e"),
    ("ye", "e"),
    ("je", "e"),
    ("y", "i"),
    ("j", "i"),
    ("w", "v"),
    ("x", "ks"),
    ("tz", "ts"),
    ("c", "ts"),
]
_FOLD_RE = re.compile("|".join(re.escape(a) for a, _b in _LATIN_FOLDS))
_FOLD = dict(_LATIN_FOLDS)


def fold_name(value: str) -> str:
    """One Latin form per name: 'Кузьминов', 'Кузьмінов' and 'Kuzminov' give 'kuzminov'."""
    text = unicodedata.normalize("NFKC", str(value)).casefold()
    words = []
    for word in re.split(r"[\s,.;\-]+", text):
        latin = "".join(_CYRILLIC.get(ch, ch) for ch in word)
        latin = unicodedata.normalize("NFKD", latin)
        latin = "".join(ch for ch in latin if "a" <= ch <= "z")
        latin = _FOLD_RE.sub(lambda m: _FOLD[m.group(0)], latin)
        latin = re.sub(r"(.)\1+", r"\1", latin)  # doubled letters: "Anna" / "Ana"
        latin = re.sub(r"i+", "i", latin)  # "Dmitrii" / "Dmitriy" / "Дмитрий"
        if latin:
            words.append(latin)
    if not words:
        raise NotIndexable("no letters")
    return " ".join(sorted(words))  # "Petrov Ivan" and "Ivan Petrov" meet


def normalise_phone(value: str) -> str:
    try:
        number = phonenumbers.parse(str(value), settings.CORRIDOR_DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException as error:
        raise NotIndexable("not a phone number") from error
    if not phonenumbers.is_possible_number(number):
        raise NotIndexable("not a possible phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_service_number(value: str) -> str:
    text = unicodedata.normalize("NFKC", str(value)).casefold()
    text = "".join(_CYRILLIC.get(ch, ch) for ch in text)
    text = re.sub(r"[^a-z0-9]", "", text)
    if len(text) < 4:
        raise NotIndexable("too short for a service number")
    return text


def normalise_name_dob(value: dict) -> str:
    born = value["dob"]
    if isinstance(born, str):
        try:
            born = date.fromisoformat(born)
        except ValueError as error:
            raise NotIndexable("not a date") from error
    return f"{fold_name(value['name'])}|{born.isoformat()}"


@dataclass(frozen=True)
class Index:
    bits: int
    normalise: object


# Bits planned from each value space (docs/vault.md, "Blind indexes").
INDEXES: dict[str, Index] = {
    "full_name": Index(22, fold_name),
    "name_dob": Index(28, normalise_name_dob),
    "phone": Index(26, normalise_phone),
    "service_number": Index(26, normalise_service_number),
}


def _subkey(name: str) -> bytes:
    return crypto.keyed_hash(keyring().pepper_index, name.encode(), person=b"blind-subkey")


def blind_index(name: str, value) -> int:
    """The truncated index value of ``value`` for index ``name`` (raises NotIndexable)."""
    index = INDEXES[name]
    normal = index.normalise(value)
    digest = crypto.keyed_hash(_subkey(name), normal.encode(), person=b"blind-index", size=8)
    return int.from_bytes(digest, "big") >> (64 - index.bits)


def store(case, name: str, value) -> int | None:
    """Index ``value`` for ``case``; a value that cannot be normalised is skipped (None)."""
    return store_many(case, [(name, value)])[0]


def store_many(case, pairs: list[tuple[str, object]]) -> list[int | None]:
    """Index several (index name, value) pairs of one case with one insert."""
    from vault.models import BlindIndex

    numbers = []
    for name, value in pairs:
        try:
            numbers.append(blind_index(name, value))
        except NotIndexable:
            numbers.append(None)
    BlindIndex.objects.bulk_create(
        [
            BlindIndex(case=case, name=name, value=number)
            for (name, _value), number in zip(pairs, numbers, strict=True)
            if number is not None
        ]
    )
    return numbers


def candidates(name: str, value) -> list:
    """Case ids whose index matches: candidates to confirm by decrypting, never a verdict."""
    from vault.models import BlindIndex

    number = blind_index(name, value)
    return list(
        BlindIndex.objects.filter(name=name, value=number).values_list("case_id", flat=True)
    )
