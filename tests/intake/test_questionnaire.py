"""The questionnaire engine: branching, validation, definitions."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given, settings
from hypothesis import strategies as st

from intake import questionnaire as qn

Q = qn.current()


def test_the_reference_questionnaire_loads_and_is_checked(capsys):
    call_command("questionnaire", "check")
    assert "ok" in capsys.readouterr().out
    assert Q.questions[0].id == "who" and Q.questions[0].required


def test_servicemen_and_relatives_get_their_own_branch():
    soldier = [q.id for q in Q.visible({"who": "serviceman"})]
    relative = [q.id for q in Q.visible({"who": "relative"})]
    assert "name" in soldier and "unit" in soldier and "relation" not in soldier
    assert "relation" in relative and "name" not in relative
    assert soldier[-1] == relative[-1] == "notes"


def test_the_next_question_follows_the_answers():
    assert Q.next_question({}).id == "who"
    assert Q.next_question({"who": "relative"}).id == "relation"
    answers = {"who": "serviceman"}
    seen = []
    while (question := Q.next_question(answers)) is not None:
        seen.append(question.id)
        answers[question.id] = None
    assert "area" not in seen  # asked only once he says where he is
    answers = {"who": "serviceman", "situation": "front"}
    assert "area" in [q.id for q in Q.visible(answers)]


def test_answers_that_no_longer_apply_are_dropped():
    answers = {"who": "relative", "relation": "wife", "name": "kept?"}
    final = Q.final({**answers, "who": "relative"})
    assert "name" not in final and final["relation"] == "wife"


def test_a_missing_required_answer_is_refused():
    with pytest.raises(qn.AnswerError):
        Q.final({})


@pytest.mark.parametrize(("qid", "raw", "stored"), [
    ("who", "serviceman", "serviceman"),
    ("born", "02.03.1994", "1994-03-02"),
    ("born", "1994-03-02", "1994-03-02"),
    ("phone", "8 (900) 111-22-33", "+79001112233"),
    ("area", "48.1, 37.6", "48.100000, 37.600000"),
    ("area", "под Бахмутом", "под Бахмутом"),
])  # fmt: skip
def test_valid_answers_are_normalised(qid, raw, stored):
    assert qn.validate(Q.by_id(qid), raw) == stored


@pytest.mark.parametrize(("qid", "raw", "message"), [
    ("who", "general", "Please choose one of the options."),
    ("born", "31.02.1994",
     "This date does not exist. Check the day and the month."),
    ("born", "yesterday", "Please give a date as DD.MM.YYYY, for example 02.03.1994."),
    ("born", "01.01.2999",
     "This date cannot be in the future. Check the year."),
    ("phone", "call me",
     "This does not look like a phone number. Type it with the country code, "
     "for example +7 900 123 45 67."),
    ("area", "95, 200",
     "These coordinates are out of range. Give the latitude, then the longitude, "
     "for example 48.1, 37.6, or describe the place in words."),
    ("who", "", "Please answer this question."),
    ("notes", "x" * 3000, "This answer is too long. Shorten it."),
])  # fmt: skip
def test_invalid_answers_get_a_clear_message(qid, raw, message):
    from django.utils import translation

    with translation.override("en"), pytest.raises(qn.AnswerError) as error:
        qn.validate(Q.by_id(qid), raw)
    assert error.value.message == message


def test_messages_are_in_the_applicants_language():
    from django.utils import translation

    with translation.override("ru"), pytest.raises(qn.AnswerError) as error:
        qn.validate(Q.by_id("who"), "general")
    assert error.value.message != "Please choose one of the options."


@settings(max_examples=300, deadline=None)
@given(
    qid=st.sampled_from([q.id for q in Q.questions]),
    raw=st.one_of(st.text(max_size=300), st.integers(), st.none(), st.binary(max_size=40)),
)
def test_arbitrary_input_never_raises_anything_but_an_answer_error(qid, raw):
    try:
        qn.validate(Q.by_id(qid), raw)
    except qn.AnswerError:
        pass


@settings(max_examples=100, deadline=None)
@given(
    answers=st.dictionaries(
        st.sampled_from([q.id for q in Q.questions]),
        st.one_of(st.text(max_size=20), st.none(), st.booleans()),
        max_size=25,
    )
)
def test_the_engine_never_loops_or_crashes_on_any_answer_set(answers):
    question = Q.next_question(answers)
    assert question is None or question.id not in answers
    try:
        Q.final(answers)
    except qn.AnswerError:
        pass


def test_the_indexes_named_by_the_definition_are_fed():
    final = {
        "who": "serviceman",
        "name": "Кузьминов",
        "born": "1994-03-02",
        "phone": "+79001112233",
    }
    names = [name for name, _v in Q.indexes(final)]
    assert names == ["full_name", "name_dob", "phone"]


def test_a_broken_definition_names_line_and_reason(tmp_path):
    bad = tmp_path / "q.yaml"
    bad.write_text(
        "languages: [ru]\nquestions:\n  - id: a\n    type: choice\n    label: {ru: x}\n"
        "  - id: b\n    type: text\n    label: {ru: y}\n    index: nonsense\n"
    )
    with pytest.raises(qn.DefinitionError) as error:
        qn.load(bad)
    assert (3, "question 'a': a choice question needs choices") in error.value.problems
    assert any(line == 6 and "unknown index" in reason for line, reason in error.value.problems)
    with pytest.raises(CommandError):
        call_command("questionnaire", "check", str(bad))


def test_invalid_yaml_is_a_definition_error(tmp_path):
    bad = tmp_path / "q.yaml"
    bad.write_text("questions: [\n  - : :\n")
    with pytest.raises(qn.DefinitionError):
        qn.load(bad)
