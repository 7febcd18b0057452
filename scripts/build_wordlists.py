"""Build the Russian and Ukrainian codename word lists (programmes/reference/wordlist-*.txt).

Reproducible from pinned, well-kept data: word frequencies from ``wordfreq`` and morphology
from ``pymorphy3`` with its Russian and Ukrainian OpenCorpora/VESUM dictionaries, all pinned
with hashes in requirements/wordlist.txt (only this script needs them; the runtime reads the
committed lists):

    python3 -m venv /tmp/wordlist && /tmp/wordlist/bin/pip install --require-hashes \
        -r requirements/wordlist.txt
    /tmp/wordlist/bin/python scripts/build_wordlists.py          # rewrites the lists
    /tmp/wordlist/bin/python scripts/build_wordlists.py --check  # fails if they differ

Walking the language's words from the most frequent down, a word is taken when it is
- a dictionary lemma in the nominative singular: a common noun, else a masculine adjective
  (never a name, surname, place, organisation, abbreviation, slang, archaic or obscene form);
- 3 to 8 letters of the language's alphabet (no apostrophe, no hyphen);
- not abstract by its suffix (-ость, -ство, -ние, -ция, -изм, …) and not on the stop list
  (scripts/wordlist/stop-<lang>.txt: war, weapons, surrender, politics, state, crime, death,
  obscenity: a seized paper must look like a shopping list, not like a codename);
- unique on its first four letters in Cyrillic (ё as е), in its folded transliteration and as
  typed on the wrong keyboard layout, against every word taken before it (vault/wordkeys.py).
It stops at LIST_SIZE words (7,776 = 6⁵, so five words give 64.6 bits).
"""

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vault import wordkeys  # noqa: E402  (standard library only)

LIST_SIZE = 7776
MIN_LETTERS, MAX_LETTERS = 3, 10
CANDIDATES = 1_000_000
# Places and regions the Ukrainian dictionary does not tag as such, by their endings.
UK_PLACE_ENDINGS = (
    "івка",
    "ївка",
    "щина",
    "піль",
    "поль",
    "град",
    "бург",
    "стан",
    "ськ",
    "цьк",
    "ія",
    "ів",  # towns like Бугаїв, Здолбунів, and possessives like бікфордів
    "їв",
)
ABSTRACT = (
    "ость",
    "есть",
    "ство",
    "ние",
    "ция",
    "изм",
    "тие",
    "ація",
    "ння",
    "цтво",
    "ість",
    "ізм",
)
EXCLUDED_TAGS = {
    "Name", "Surn", "Patr", "Geox", "Orgn", "Trad", "Abbr", "Init", "Infr", "Slng", "Arch",
    "Litr", "Erro", "Dist", "Ques", "Dmns", "Prdx", "Apro", "Anum", "Subx", "Fixd", "Ms-f",
    "Pltm", "Coll", "Supr", "Cmp2", "V-ey", "V-oy",
}  # fmt: skip
PROPER = {"Name", "Surn", "Patr", "Geox", "Orgn", "Trad", "Abbr", "Init"}
HEADER = "# {language}: {count} codename words, built by scripts/build_wordlists.py; do not edit.\n"


def stop_list(language: str) -> tuple[set[str], tuple[str, ...], tuple[str, ...]]:
    exact, stems, roots = set(), [], []
    path = ROOT / "scripts" / "wordlist" / f"stop-{language}.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        for entry in line.split("#", 1)[0].casefold().replace("ё", "е").split():
            if entry.startswith("*") and entry.endswith("*"):
                roots.append(entry[1:-1])
            elif entry.endswith("*"):
                stems.append(entry[:-1])
            else:
                exact.add(entry)
    return exact, tuple(stems), tuple(roots)


def _lemma(morph, word: str) -> str | None:
    """The word if one of its readings is a usable nominative singular lemma, else None."""
    folded = word.replace("ё", "е")
    if not morph.word_is_known(word):
        return None  # a guess from the ending: often a foreign name
    usable = None
    for parse in morph.parse(word):
        tag = parse.tag
        grammemes = set(str(tag).replace(" ", ",").split(","))
        if grammemes & PROPER:
            return None  # also a name, place or organisation
        if grammemes & EXCLUDED_TAGS:
            continue
        if parse.normal_form.replace("ё", "е") != folded or "nomn" not in grammemes:
            continue
        if tag.POS == "NOUN" and "plur" not in grammemes:
            usable = usable or ("noun", parse.normal_form)
        elif tag.POS == "ADJF" and "masc" in grammemes and "plur" not in grammemes:
            usable = usable or ("adjective", parse.normal_form)
    return usable


def _proper_in_russian(morph, word: str) -> bool:
    """The Ukrainian dictionary does not tag place and person names; the Russian one does."""
    spelled = word.replace("і", "и").replace("ї", "йи").replace("є", "е")
    if not morph.word_is_known(spelled):
        return False
    return any(set(str(p.tag).replace(" ", ",").split(",")) & PROPER for p in morph.parse(spelled))


def build(language: str) -> list[str]:
    import pymorphy3
    import wordfreq

    morph = pymorphy3.MorphAnalyzer(lang=language)
    alphabet = wordkeys.ALPHABETS[language] - {"'"}
    exact, stems, roots = stop_list(language)
    oracle = pymorphy3.MorphAnalyzer(lang="ru") if language == "uk" else None
    taken, used = [], {"cyr": set(), "lat": set(), "lay": set(), "lal": set(), "full": set()}
    for rank, word in enumerate(wordfreq.top_n_list(language, CANDIDATES, wordlist="large")):
        if not MIN_LETTERS <= len(word) <= MAX_LETTERS or not set(word) <= alphabet:
            continue
        folded = word.replace("ё", "е")
        if folded in exact or folded.startswith(stems) or folded.endswith(ABSTRACT):
            continue
        if any(root in folded for root in roots):
            continue
        if language == "uk" and folded.endswith(UK_PLACE_ENDINGS):
            continue
        found = _lemma(morph, word)
        if found is None or (oracle is not None and _proper_in_russian(oracle, found[1])):
            continue
        lemma = found[1]
        cyr, lat, lay = wordkeys.keys(lemma, language)
        full = wordkeys.fold_latin(wordkeys.transliterate(lemma, language))
        latin = used["lat"] | used["lay"] | used["lal"]  # all looked up as typed Latin
        if (
            len(cyr) < MIN_LETTERS
            or cyr in used["cyr"]
            or lat in latin
            or lay in latin
            or full in used["full"]
        ):
            continue
        used["cyr"].add(cyr), used["lat"].add(lat), used["lay"].add(lay), used["full"].add(full)
        taken.append(lemma)
        if len(taken) == LIST_SIZE:
            print(f"{language}: the last word taken is number {rank} by frequency", file=sys.stderr)
            return sorted(taken)
    raise SystemExit(f"{language}: only {len(taken)} words qualify; {LIST_SIZE} needed")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if a committed list differs")
    parser.add_argument("languages", nargs="*", default=["ru", "uk"])
    args = parser.parse_args()
    status = 0
    for language in args.languages:
        words = build(language)
        text = HEADER.format(language=language, count=len(words)) + "\n".join(words) + "\n"
        path = ROOT / "programmes" / "reference" / f"wordlist-{language}.txt"
        if args.check:
            if path.read_text(encoding="utf-8") != text:
                print(f"{path.relative_to(ROOT)} differs from a fresh build", file=sys.stderr)
                status = 1
        else:
            path.write_text(text, encoding="utf-8")
            print(f"{path.relative_to(ROOT)}: {len(words)} words")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
