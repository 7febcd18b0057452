"""Codenames: generation, normalisation, check word, duress word, and the word list check."""

import math

import pytest

from vault import codenames


def test_a_codename_is_six_random_words_and_a_check_word(db):
    codename = codenames.new_codename()
    words = codename.split()
    assert len(words) == 7
    assert all(w in codenames.word_list().index for w in words)
    assert words[6] == codenames.check_word(tuple(words[:6]))
    assert codenames.new_codename() != codename


def test_the_list_drops_colliding_words_and_counts_real_bits():
    wl = codenames.word_list()
    assert "yoyo" not in wl.index and "yo-yo" in wl.dropped
    assert len(wl.words) < 7776
    assert wl.bits == pytest.approx(6 * math.log2(len(wl.words)))
    assert wl.bits > 77


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


@pytest.mark.parametrize("mangle", [
    str.upper,
    lambda c: "  " + c.replace(" ", "   ") + "\n",
    lambda c: c.replace(" ", "-"),
    lambda c: c.replace(" ", ", "),
])  # fmt: skip
def test_typing_variants_are_accepted(db, mangle):
    codename = codenames.new_codename()
    parsed = codenames.parse(mangle(codename))
    assert parsed.six == tuple(codename.split()[:6]) and parsed.duress_choice is None


def test_a_cyrillic_keyboard_layout_typed_by_mistake_is_accepted(db):
    codename = codenames.new_codename()
    latin_to_cyr = {v: k for k, v in codenames._LAYOUT.items() if k in "йцукенгшщзфывапролдячсмить"}
    typed = "".join(latin_to_cyr.get(ch, ch) for ch in codename)
    assert typed != codename
    assert codenames.parse(typed).six == tuple(codename.split()[:6])


def test_a_word_not_in_the_list_is_named(db):
    words = codenames.new_codename().split()
    words[3] = "zzzqx"
    with pytest.raises(codenames.UnknownWord) as error:
        codenames.parse(" ".join(words))
    assert error.value.word == "zzzqx" and error.value.position == 4


def test_a_wrong_check_word_is_reported_without_a_database_lookup(db, django_assert_num_queries):
    words = codenames.new_codename().split()
    wrong = next(
        w
        for w in codenames.word_list().words
        if w != words[6] and w not in codenames.duress_words(tuple(words[:6]))
    )
    with django_assert_num_queries(0), pytest.raises(codenames.WrongCheckWord):
        codenames.parse(" ".join(words[:6] + [wrong]))


def test_a_duress_word_in_place_of_the_check_word_is_recognised(db):
    words = codenames.new_codename().split()
    offered = codenames.duress_words(tuple(words[:6]))
    assert len(offered) == codenames.DURESS_CHOICES and words[6] not in offered
    parsed = codenames.parse(" ".join(words[:6] + [offered[2]]))
    assert parsed.six == tuple(words[:6]) and parsed.duress_choice == 2


def test_wrong_lengths_and_overlong_input_are_refused_cheaply(db):
    with pytest.raises(codenames.BadLength):
        codenames.parse("one two three")
    with pytest.raises(codenames.BadLength):
        codenames.parse("abacus " * 1000)


def test_derivation_uses_only_the_six_words(db):
    words = codenames.new_codename().split()
    six = tuple(words[:6])
    real = codenames.derive(codenames.parse(" ".join(words)).six)
    duress = codenames.derive(codenames.parse(" ".join([*six, codenames.duress_words(six)[0]])).six)
    assert real == duress  # the same case is found; the duress flag says what to do with it
    assert len(real.lookup_id) == 32 and real.public_key != real.lookup_id


def test_a_well_formed_unknown_codename_looks_like_a_known_one_to_the_vault(
    db, django_assert_num_queries
):
    """parse and derive never touch the database, so nothing in the vault tells them apart."""
    known, unknown = codenames.new_codename(), codenames.new_codename()
    with django_assert_num_queries(0):
        a, b = codenames.parse(known), codenames.parse(unknown)
        da, db_ = codenames.derive(a.six), codenames.derive(b.six)
    assert type(a) is type(b) and a.duress_choice == b.duress_choice is None
    assert len(da.lookup_id) == len(db_.lookup_id)


def test_secrets_never_show_in_repr(db):
    parsed = codenames.parse(codenames.new_codename())
    assert (
        repr(parsed) == "Parsed(…)" and repr(codenames.derive(parsed.six)) == "ApplicantSecret(…)"
    )


def test_lookup_is_one_query_for_known_and_unknown(programme, django_assert_num_queries):
    from tests.vault.conftest import make_case

    known = codenames.new_codename()
    six = tuple(known.split()[:6])
    case = make_case(programme.teams["intake"])
    codenames.register(case, codenames.derive(six), duress_choice=1)
    with django_assert_num_queries(1):
        found = codenames.lookup(codenames.parse(known))
    with django_assert_num_queries(1):
        missing = codenames.lookup(codenames.parse(codenames.new_codename()))
    assert found.case == case and not found.duress
    assert missing.case is None and not missing.duress
    assert type(found) is type(missing)


def test_only_the_chosen_duress_word_counts_as_duress(programme):
    from tests.vault.conftest import make_case

    six = tuple(codenames.new_codename().split()[:6])
    case = make_case(programme.teams["intake"])
    codenames.register(case, codenames.derive(six), duress_choice=2)
    offered = codenames.duress_words(six)
    chosen = codenames.lookup(codenames.parse(" ".join([*six, offered[2]])))
    other = codenames.lookup(codenames.parse(" ".join([*six, offered[0]])))
    assert chosen.case == case and chosen.duress
    assert other.case is None and not other.duress  # looks like an unknown codename
