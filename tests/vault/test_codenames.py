"""Codenames: generation in the applicant's language, typing variants, check word, duress word,
the word lists' rules, and English codenames issued before the Russian lists."""

import math
from pathlib import Path

import pytest

from vault import codenames, crypto, wordkeys
from vault.keys import keyring

STOP_LISTS = Path(__file__).resolve().parents[2] / "scripts" / "wordlist"


def split(codename: str) -> tuple[list[str], str]:
    words = codename.split()
    return words[:-1], words[-1]


@pytest.mark.parametrize("language", ["ru", "uk", "en"])
def test_a_codename_is_five_random_words_of_his_language_and_a_check_word(db, language):
    codename = codenames.new_codename(language)
    words, check = split(codename)
    listed = codenames.word_list(language)
    assert len(words) == listed.length == 5 and listed.bits >= codenames.MIN_BITS
    assert all(w in listed.words for w in [*words, check])
    assert check == codenames.check_word(codenames.Words(language, tuple(words)))
    assert codenames.new_codename(language) != codename


def test_an_unknown_language_gets_the_russian_list(db):
    words, _check = split(codenames.new_codename("de"))
    assert all(w in codenames.word_list("ru").words for w in words)
    assert codenames.list_language(None) == "ru"


@pytest.mark.parametrize("language", ["ru", "uk"])
def test_the_cyrillic_lists_keep_every_rule_of_the_issue(language):
    listed = codenames.word_list(language)
    words = listed.words
    assert len(words) >= 7776 and not listed.dropped
    assert listed.bits == pytest.approx(5 * math.log2(len(words)))
    assert all(3 <= len(w) <= 10 and set(w) <= wordkeys.ALPHABETS[language] for w in words)
    assert len({w.replace("ё", "е") for w in words}) == len(words)  # distinct after ё→е
    assert len({wordkeys.fold_latin(wordkeys.transliterate(w, language)) for w in words}) == len(
        words
    )  # distinct after transliteration
    cyr, lat, lay = zip(*(wordkeys.keys(w, language) for w in words), strict=True)
    assert len(set(cyr)) == len(set(lat)) == len(set(lay)) == len(words)  # four letters suffice
    clashes = {k for k in set(lat) & set(lay) if lat.index(k) != lay.index(k)}
    assert not clashes  # a transliteration never types another word on the wrong layout


@pytest.mark.parametrize("language", ["ru", "uk"])
def test_no_word_of_the_stop_list_made_it_into_a_list(language):
    """A seized paper must look harmless: no war, surrender, politics or obscenity."""
    text = (STOP_LISTS / f"stop-{language}.txt").read_text(encoding="utf-8")
    entries = [e for line in text.splitlines() for e in line.split("#", 1)[0].split()]
    assert len(entries) > 300
    for word in codenames.word_list(language).words:
        folded = word.replace("ё", "е")
        for entry in entries:
            entry = entry.replace("ё", "е")
            if entry.startswith("*") and entry.endswith("*"):
                assert entry[1:-1] not in folded, word
            elif entry.endswith("*"):
                assert not folded.startswith(entry[:-1]), word
            else:
                assert folded != entry, word


def test_the_english_list_drops_colliding_words_and_counts_real_bits():
    wl = codenames.word_list("en")
    assert "yoyo" not in wl.index and "yo-yo" in wl.dropped
    assert len(wl.words) < 7776
    assert wl.bits == pytest.approx(5 * math.log2(len(wl.words)))
    assert wl.lengths() == (5, 6)  # six: the English codenames issued before


def test_a_bad_word_list_is_refused():
    with pytest.raises(codenames.BadWordList):
        codenames.build_list(["alpha", "beta", "gamma"])
    built = codenames.build_list(
        [
            f"{a}{b}{c}"
            for a in "abcdefghijklmnop"
            for b in "abcdefghijklmnop"
            for c in "abcdefghijklmnop"
        ]
        + ["yo-yo", "yoyo"]
    )
    assert "yoyo" not in built.index and len(built.words) == 16**3


def test_a_cyrillic_list_drops_words_sharing_four_letters_or_a_transliteration():
    base = list(codenames.word_list("ru").words)
    with_e = next(w for w in base if "е" in w[:4])
    with_yo = with_e.replace("е", "ё", 1)
    built = codenames.build_cyrillic_list([*base, "молотилка", with_yo, "хвощ"], "ru")
    # Both words of a clash go: "молодой"/"молотилка" share four letters, ё is read as е,
    # "хвост"/"хвощ" share "hvos" in transliteration.
    assert {"молодой", "молотилка", with_e, with_yo, "хвост", "хвощ"} <= set(built.dropped)
    with pytest.raises(codenames.BadWordList):
        codenames.build_cyrillic_list(base[:100], "ru")


@pytest.mark.parametrize("mangle", [
    str.upper,
    lambda c: "  " + c.replace(" ", "   ") + "\n",
    lambda c: c.replace(" ", "-"),
    lambda c: c.replace(" ", ", "),
])  # fmt: skip
@pytest.mark.parametrize("language", ["ru", "en"])
def test_typing_variants_are_accepted(db, mangle, language):
    codename = codenames.new_codename(language)
    parsed = codenames.parse(mangle(codename))
    assert parsed.words.words == tuple(split(codename)[0]) and parsed.duress_choice is None


@pytest.mark.parametrize("language", ["ru", "uk"])
@pytest.mark.parametrize(
    "typed",
    [
        lambda w, lang: w.replace("ё", "е"),
        lambda w, lang: w[:4],
        lambda w, lang: wordkeys.transliterate(w, lang),
        lambda w, lang: wordkeys.transliterate(w, lang).upper(),
        lambda w, lang: (
            wordkeys.transliterate(w, lang)
            .replace("kh", "h")
            .replace("ya", "ja")
            .replace("yu", "ju")
        ),
        lambda w, lang: wordkeys.on_latin_layout(w, lang),  # "ghbdtn" for "привет"
    ],
    ids=["yo-as-ye", "four-letters", "latin", "latin-upper", "latin-variants", "wrong-layout"],
)
def test_a_cyrillic_codename_is_accepted_however_it_is_typed(db, language, typed):
    for _ in range(5):
        codename = codenames.new_codename(language)
        words, _check = split(codename)
        text = " ".join(typed(w, language) for w in codename.split())
        parsed = codenames.parse(text, language)
        assert parsed.words == codenames.Words(language, tuple(words)), text


def test_the_wrong_layout_example_of_the_issue():
    wl = codenames.build_cyrillic_list([*codenames.word_list("ru").words[:4500], "привет"], "ru")
    assert wl.words[wl.find("ghbdtn")] == "привет" == wl.words[wl.find("privet")]


def test_an_english_codename_typed_on_a_cyrillic_layout_is_accepted(db):
    codename = codenames.new_codename("en")
    latin_to_cyr = {v: k for k, v in codenames._LAYOUT.items() if k in "йцукенгшщзфывапролдячсмить"}
    typed = "".join(latin_to_cyr.get(ch, ch) for ch in codename)
    assert typed != codename
    assert codenames.parse(typed, "ru").words.words == tuple(split(codename)[0])


def test_an_english_codename_issued_before_the_russian_lists_keeps_working(db):
    """Six EFF words and a check word, derived exactly as before: same lookup id, same keys."""
    import secrets

    six = tuple(secrets.choice(codenames.word_list("en").words) for _ in range(6))
    old_check = codenames.word_list("en").words[
        int.from_bytes(
            crypto.keyed_hash(keyring().pepper_checkword, " ".join(six).encode(), person=b"check"),
            "big",
        )
        % len(codenames.word_list("en").words)
    ]
    old_secret = crypto.keyed_hash(
        keyring().pepper_codename, " ".join(six).encode(), person=b"applicant"
    )
    parsed = codenames.parse(" ".join([*six, old_check]), "ru")
    assert parsed.words == codenames.Words("en", six) and parsed.duress_choice is None
    derived = codenames.derive(parsed.words)
    assert derived.lookup_id == crypto.keyed_hash(old_secret, b"lookup", person=b"lookup-id")
    assert codenames.derive(six) == derived  # a plain tuple is an English codename


def test_the_same_words_in_two_lists_are_two_codenames(db):
    words = ("абрикос", "бабочка", "ведро", "гитара", "дятел")
    ru = codenames.Words("ru", words)
    uk = codenames.Words("uk", words)
    assert codenames.derive(ru).lookup_id != codenames.derive(uk).lookup_id


def test_a_word_not_in_the_list_is_named(db):
    words = codenames.new_codename("ru").split()
    words[3] = "zzzqx"
    with pytest.raises(codenames.UnknownWord) as error:
        codenames.parse(" ".join(words), "ru")
    assert error.value.word == "zzzqx" and error.value.position == 4


def test_a_wrong_check_word_is_reported_without_a_database_lookup(db, django_assert_num_queries):
    words, check = split(codenames.new_codename("ru"))
    offered = codenames.duress_words(codenames.Words("ru", tuple(words)))
    wrong = next(w for w in codenames.word_list("ru").words if w != check and w not in offered)
    with django_assert_num_queries(0), pytest.raises(codenames.WrongCheckWord):
        codenames.parse(" ".join([*words, wrong]))


@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_duress_word_in_place_of_the_check_word_is_recognised(db, language):
    words, check = split(codenames.new_codename(language))
    random = codenames.Words(language, tuple(words))
    offered = codenames.duress_words(random)
    assert len(offered) == codenames.DURESS_CHOICES and check not in offered
    assert all(w in codenames.word_list(language).words for w in offered)
    parsed = codenames.parse(" ".join([*words, offered[2]]))
    assert parsed.words == random and parsed.duress_choice == 2


def test_wrong_lengths_and_overlong_input_are_refused_cheaply(db):
    with pytest.raises(codenames.BadLength) as error:
        codenames.parse("one two three")
    assert error.value.expected == 6
    with pytest.raises(codenames.BadLength):
        codenames.parse("abacus " * 1000)


def test_derivation_uses_only_the_random_words(db):
    words, _check = split(codenames.new_codename("ru"))
    random = codenames.Words("ru", tuple(words))
    real = codenames.derive(codenames.parse(" ".join([*words, codenames.check_word(random)])).words)
    duress = codenames.derive(
        codenames.parse(" ".join([*words, codenames.duress_words(random)[0]])).words
    )
    assert real == duress  # the same case is found; the duress flag says what to do with it
    assert len(real.lookup_id) == 32 and real.public_key != real.lookup_id


def test_a_well_formed_unknown_codename_looks_like_a_known_one_to_the_vault(
    db, django_assert_num_queries
):
    """parse and derive never touch the database, so nothing in the vault tells them apart."""
    known, unknown = codenames.new_codename(), codenames.new_codename()
    with django_assert_num_queries(0):
        a, b = codenames.parse(known), codenames.parse(unknown)
        da, db_ = codenames.derive(a.words), codenames.derive(b.words)
    assert type(a) is type(b) and a.duress_choice == b.duress_choice is None
    assert len(da.lookup_id) == len(db_.lookup_id)


def test_secrets_never_show_in_repr(db):
    parsed = codenames.parse(codenames.new_codename())
    assert repr(parsed) == "Parsed(…)" and repr(parsed.words) == "Words(…)"
    assert repr(codenames.derive(parsed.words)) == "ApplicantSecret(…)"


def test_a_recognition_phrase_is_three_words_of_his_language(db):
    for language in ("ru", "uk", "en"):
        phrase = codenames.recognition_phrase(language).split()
        assert len(phrase) == 3 and set(phrase) <= set(codenames.word_list(language).words)


def test_the_codename_page_shows_a_latin_spelling_beside_cyrillic_words(db):
    shown = codenames.spelled("жук щука", "ru")
    assert shown == [("жук", "zhuk"), ("щука", "shchuka")]
    assert codenames.spelled("abacus", "en") == [("abacus", "")]


def test_lookup_is_one_query_for_known_and_unknown(programme, django_assert_num_queries):
    from tests.vault.conftest import make_case

    known = codenames.new_codename()
    case = make_case(programme.teams["intake"])
    codenames.register(case, codenames.derive(codenames.parse(known).words), duress_choice=1)
    with django_assert_num_queries(1):
        found = codenames.lookup(codenames.parse(known))
    with django_assert_num_queries(1):
        missing = codenames.lookup(codenames.parse(codenames.new_codename()))
    assert found.case == case and not found.duress
    assert missing.case is None and not missing.duress
    assert type(found) is type(missing)


def test_only_the_chosen_duress_word_counts_as_duress(programme):
    from tests.vault.conftest import make_case

    words, _check = split(codenames.new_codename())
    random = codenames.Words("ru", tuple(words))
    case = make_case(programme.teams["intake"])
    codenames.register(case, codenames.derive(random), duress_choice=2)
    offered = codenames.duress_words(random)
    chosen = codenames.lookup(codenames.parse(" ".join([*words, offered[2]])))
    other = codenames.lookup(codenames.parse(" ".join([*words, offered[0]])))
    assert chosen.case == case and chosen.duress
    assert other.case is None and not other.duress  # looks like an unknown codename


def test_the_start_up_check_loads_every_list(settings, tmp_path):
    from vault.checks import codename_lists

    assert codename_lists(None) == []
    bad = tmp_path / "short.txt"
    bad.write_text("alpha beta gamma\n")
    settings.CORRIDOR_WORDLIST = str(bad)
    codenames.word_list.cache_clear()
    try:
        assert [e.id for e in codename_lists(None)] == ["vault.E002"]
    finally:
        settings.CORRIDOR_WORDLIST = ""
        codenames.word_list.cache_clear()


def test_an_unknown_word_is_named_in_the_list_that_knows_the_others(db):
    words = codenames.new_codename("ru").split()
    words[2] = "zzqx"
    with pytest.raises(codenames.UnknownWord) as error:
        codenames.parse(" ".join(words), "en")  # his interface in English, his words Russian
    assert error.value.word == "zzqx" and error.value.position == 3


def test_start_up_loads_the_lists_and_logs_their_bits(caplog, settings, tmp_path):
    import logging

    from vault.checks import load_codename_lists

    with caplog.at_level(logging.INFO, logger="corridor.codenames"):
        load_codename_lists()
    assert "codename list ru: 7776 words, 5 random words, 64.6 bits" in caplog.text
    bad = tmp_path / "short.txt"
    bad.write_text("alpha beta gamma\n")
    settings.CORRIDOR_WORDLIST = str(bad)
    codenames.word_list.cache_clear()
    try:
        with pytest.raises(SystemExit):
            load_codename_lists()
    finally:
        settings.CORRIDOR_WORDLIST = ""
        codenames.word_list.cache_clear()


@pytest.mark.parametrize("language", ["ru", "uk"])
def test_every_word_is_found_from_each_typed_form(language):
    """Exhaustively: four Cyrillic letters, the Latin spelling, and the wrong layout."""
    listed = codenames.word_list(language)
    for i, word in enumerate(listed.words):
        assert listed.candidates(word[:4]) == [i], word
        assert listed.candidates(word.replace("ё", "е").upper()) == [i], word
        latin = wordkeys.transliterate(word, language)
        assert listed.candidates(latin)[0] == i, word
        variant = latin.replace("kh", "h").replace("ya", "ja").replace("yu", "ju")
        assert listed.candidates(variant)[0] == i, word
        assert i in listed.candidates(wordkeys.on_latin_layout(word, language)), word


def test_a_latin_token_with_two_readings_is_settled_by_the_check_word(db):
    """A layout slip that is also another word's transliteration: both readings are tried."""
    listed = codenames.word_list("ru")
    twofold = next(
        (w, listed.candidates(wordkeys.on_latin_layout(w, "ru")))
        for w in listed.words
        if len(listed.candidates(wordkeys.on_latin_layout(w, "ru"))) == 2
        and listed.candidates(wordkeys.on_latin_layout(w, "ru"))[0]
        != listed.index[w.replace("ё", "е")]
    )
    word, _readings = twofold
    words, check = split(codenames.new_codename("ru"))
    words[0] = word
    check = codenames.check_word(codenames.Words("ru", tuple(words)))
    typed = " ".join([wordkeys.on_latin_layout(word, "ru"), *words[1:], check])
    assert codenames.parse(typed).words == codenames.Words("ru", tuple(words))
