"""How a codename word is typed: the pure text rules shared by the runtime (vault/codenames.py)
and the word-list build (scripts/build_wordlists.py), so both agree on what "distinct" means.

A word of a Cyrillic list has three typed forms, each matched on its first four letters:

- **Cyrillic**, case-folded, ё as е and ґ as г (and apostrophes dropped);
- **Latin transliteration**, one canonical spelling per word (shown beside it) folded so that
  the usual variants meet: ``kh``/``h``, ``j``/``y``, ``shch``/``sch``, ``ts``/``c``, ``w``/``v``;
- **the wrong keyboard layout**: the Latin keys a Cyrillic word gives on a Latin layout
  ("ghbdtn" for "привет"), punctuation keys included.

This module imports nothing but the standard library (the build script runs without Django).
"""

import re
import unicodedata

PREFIX = 4  # letters that identify a word of a Cyrillic list

_RU_KEYS = "йцукенгшщзхъфывапролджэячсмитьбюё"
_UK_KEYS = "йцукенгшщзхїфівапролджєячсмитьбюґ"
_QWERTY = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`"
LAYOUTS = {
    "ru": dict(zip(_RU_KEYS, _QWERTY, strict=True)),
    "uk": dict(zip(_UK_KEYS, _QWERTY, strict=True)),
}
ALPHABETS = {"ru": frozenset(_RU_KEYS), "uk": frozenset(_UK_KEYS + "'")}
LAYOUT_PUNCTUATION = frozenset("[];',.`")

_COMMON = {
    "а": "a", "б": "b", "в": "v", "д": "d", "е": "e", "ж": "zh", "з": "z", "й": "y", "к": "k",
    "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ъ": "",
    "ю": "yu", "я": "ya", "'": "",
}  # fmt: skip
TRANSLIT = {
    "ru": {**_COMMON, "г": "g", "ё": "e", "и": "i", "ы": "y", "э": "e"},
    "uk": {**_COMMON, "г": "h", "ґ": "g", "и": "y", "і": "i", "ї": "yi", "є": "ye"},
}
_TRANSLIT_TABLES = {code: str.maketrans(table) for code, table in TRANSLIT.items()}
# Applied in order to typed Latin and to the canonical spelling alike.
_LATIN_FOLDS = (
    ("kh", "h"), ("shch", "sc"), ("sch", "sc"), ("shh", "sc"), ("x", "h"), ("w", "v"),
    ("j", "y"), ("tz", "c"), ("ts", "c"), ("tc", "c"), ("q", "k"),
)  # fmt: skip


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def has_cyrillic(text: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in text)


_NOT_CYRILLIC = re.compile(r"[^\u0400-\u04ff]")
_NOT_LATIN = re.compile(r"[^a-z]")
_CYRILLIC_FOLDS = str.maketrans("ёґ", "ег")


def fold_cyrillic(text: str) -> str:
    return _NOT_CYRILLIC.sub("", _nfkc(text).translate(_CYRILLIC_FOLDS))


def fold_latin(text: str) -> str:
    text = _NOT_LATIN.sub("", _nfkc(text))
    before = None
    while text != before:  # to a fixed point: "kkh" → "kh" → "h", as "kh" typed for "кх"
        before = text
        for old, new in _LATIN_FOLDS:
            text = text.replace(old, new)
    return text


def transliterate(word: str, language: str) -> str:
    """The one Latin spelling shown beside a word (apostrophes and soft signs dropped)."""
    return _nfkc(word).translate(_TRANSLIT_TABLES[language])


def on_latin_layout(word: str, language: str) -> str:
    """The keys a Cyrillic word gives when typed on a Latin layout ("привет" → "ghbdtn")."""
    return "".join(LAYOUTS[language].get(ch, "") for ch in _nfkc(word))


def prefix(key: str) -> str:
    return key[:PREFIX]


def keys(word: str, language: str) -> tuple[str, str, str]:
    """(Cyrillic, transliterated, wrong-layout) keys of a list word, each cut to PREFIX."""
    return (
        prefix(fold_cyrillic(word)),
        prefix(fold_latin(transliterate(word, language))),
        prefix(on_latin_layout(word, language)),
    )


def typed_forms(token: str) -> list[tuple[str, str]]:
    """What a typed token could be, most likely first: [("cyr"|"lat"|"lay", key), …]."""
    token = _nfkc(token)
    if has_cyrillic(token):
        return [("cyr", prefix(fold_cyrillic(token)))]
    raw = "".join(ch for ch in token if ch.isascii() and (ch.isalpha() or ch in LAYOUT_PUNCTUATION))
    forms = [("lat", prefix(fold_latin(token))), ("lay", prefix(raw))]
    stripped = raw.rstrip(",.")
    if stripped != raw:
        forms.append(("lay", prefix(stripped)))
    if any(ch in LAYOUT_PUNCTUATION for ch in raw.rstrip(",.")):
        forms.insert(0, forms.pop(1))  # "[jkjl" can only be a layout slip
    return [(kind, key) for kind, key in forms if key]
