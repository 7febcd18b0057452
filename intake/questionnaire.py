"""The questionnaire engine: programme data in, questions and validated answers out.

Channel-neutral. Given the answers so far it says which question comes next, validates one
raw answer (raising ``AnswerError`` with a message in the applicant's language) and produces the
final answer set. Definitions are YAML (docs/questionnaires.md); ``load`` refuses a broken one,
naming the line and the reason.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path

import phonenumbers
import yaml
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vault.blind import INDEXES
from vault.policy import CORRESPONDENCE, FAMILY, IDENTITY, REWARD

TYPES = ("text", "choice", "yesno", "number", "date", "phone", "location")
COMPARTMENTS = (IDENTITY, FAMILY, REWARD, CORRESPONDENCE)
HARD_CAP = 2000  # characters of any one answer, whatever the definition says
_YES = {"yes", "y", "1", "true", "да", "д", "так", "т", "on"}
_NO = {"no", "n", "0", "false", "нет", "н", "ні", "off"}
_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_COORDS = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*[,; ]\s*(-?\d{1,3}(?:\.\d+)?)\s*$")


class DefinitionError(Exception):
    """A broken questionnaire definition; ``problems`` lists (line, reason)."""

    def __init__(self, problems: list[tuple[int, str]]):
        super().__init__("; ".join(f"line {line}: {reason}" for line, reason in problems))
        self.problems = problems


class AnswerError(ValueError):
    """An answer the applicant must correct; ``message`` is in the active language and names
    no button: every channel (portal, hotline console, Telegram bot) says how to answer again."""

    def __init__(self, message: str):
        super().__init__("invalid answer")
        self.message = message


@dataclass(frozen=True)
class Choice:
    value: str
    label: dict


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    label: dict
    required: bool = False
    help: dict | None = None
    choices: tuple[Choice, ...] = ()
    when: dict | None = None
    compartment: str = IDENTITY
    index: str | None = None
    index_with: str | None = None
    validation: dict = field(default_factory=dict)
    line: int = 0

    def text(self, language: str) -> str:
        return self.label.get(language) or self.label["en"]

    def help_text(self, language: str) -> str:
        return (self.help or {}).get(language, "") if self.help else ""

    def choice_label(self, value: str, language: str) -> str:
        for choice in self.choices:
            if choice.value == value:
                return choice.label.get(language) or choice.label["en"]
        return value

    def applies(self, answers: dict) -> bool:
        if not self.when:
            return True
        given = answers.get(self.when["question"])
        if "equals" in self.when:
            return given == self.when["equals"]
        return given in self.when["in"]


@dataclass(frozen=True)
class Questionnaire:
    programme: str
    version: int
    languages: tuple[str, ...]
    questions: tuple[Question, ...]

    def by_id(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    def visible(self, answers: dict) -> list[Question]:
        """The questions that apply given the answers so far, in order."""
        return [q for q in self.questions if q.applies(answers)]

    def possible(self, answers: dict) -> list[Question]:
        """The questions that apply or may still apply, in order: a condition on a question not
        answered yet (and itself still possible) may yet come true. The portal counts these, so
        its "question N of M" never grows as branches open; it shrinks as they close."""
        still: set[str] = set()
        for question in self.questions:
            if not question.when:
                still.add(question.id)
            elif question.when["question"] in answers:
                if question.applies(answers):
                    still.add(question.id)
            elif question.when["question"] in still:
                still.add(question.id)
        return [q for q in self.questions if q.id in still]

    def next_question(self, answers: dict) -> Question | None:
        """The first applicable question not answered yet (None when complete)."""
        for question in self.visible(answers):
            if question.id not in answers:
                return question
        return None

    def previous_question(self, answers: dict, current: Question | None) -> Question | None:
        visible = self.visible(answers)
        if current is None:
            return visible[-1] if visible else None
        ids = [q.id for q in visible]
        position = ids.index(current.id) if current.id in ids else len(ids)
        return visible[position - 1] if position > 0 else None

    def final(self, answers: dict) -> dict:
        """Drop answers whose question no longer applies; refuse if a required one is missing."""
        kept = {}
        for question in self.visible(answers):
            if question.id in answers and answers[question.id] not in (None, ""):
                kept[question.id] = answers[question.id]
            elif question.required:
                label = question.text(translation.get_language() or "en")
                raise AnswerError(_("Please answer: %(question)s") % {"question": label})
        return kept

    def by_compartment(self, answers: dict) -> dict[str, dict]:
        grouped: dict[str, dict] = {}
        for question_id, value in answers.items():
            grouped.setdefault(self.by_id(question_id).compartment, {})[question_id] = value
        return grouped

    def indexes(self, answers: dict) -> list[tuple[str, object]]:
        """(blind index name, value) pairs the answers feed."""
        pairs = []
        for question in self.questions:
            if not question.index or question.id not in answers:
                continue
            if question.index == "name_dob":
                partner = answers.get(question.index_with or "")
                if partner:
                    name, dob = (
                        (partner, answers[question.id])
                        if question.type == "date"
                        else (answers[question.id], partner)
                    )
                    pairs.append(("name_dob", {"name": name, "dob": dob}))
            else:
                pairs.append((question.index, answers[question.id]))
        return pairs


# --- validating one answer ---------------------------------------------------------------------


def validate(question: Question, raw) -> object:
    """Turn one raw answer into its stored value, or raise AnswerError. Never anything else."""
    text = "" if raw is None else str(raw)
    if len(text) > HARD_CAP:
        raise AnswerError(_("This answer is too long. Shorten it."))
    text = text.strip()
    if not text:
        if question.required:
            raise AnswerError(_("Please answer this question."))
        return None
    check = _CHECKS[question.type]
    return check(question, text)


def _text(question: Question, text: str) -> str:
    limit = int(question.validation.get("max_length", 500))
    if len(text) > min(limit, HARD_CAP):
        raise AnswerError(_("Please keep this answer under %(n)d characters.") % {"n": limit})
    pattern = question.validation.get("pattern")
    if pattern and not re.fullmatch(pattern, text):
        raise AnswerError(
            _(
                "This answer does not have the expected form. Check it against "
                "the explanation under the question."
            )
        )
    return text


def _choice(question: Question, text: str) -> str:
    values = [c.value for c in question.choices]
    if text not in values:
        raise AnswerError(_("Please choose one of the options."))
    return text


def _yesno(question: Question, text: str) -> bool:
    folded = text.casefold()
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    raise AnswerError(_("Please answer yes or no."))


def _number(question: Question, text: str) -> int:
    if not re.fullmatch(r"-?\d{1,9}", text):
        raise AnswerError(_("Please give a whole number."))
    value = int(text)
    low, high = question.validation.get("min"), question.validation.get("max")
    if (low is not None and value < low) or (high is not None and value > high):
        raise AnswerError(
            _("Please give a number between %(low)s and %(high)s.")
            % {"low": low if low is not None else "…", "high": high if high is not None else "…"}
        )
    return value


def _date(question: Question, text: str) -> str:
    parsed = None
    looks_like_a_date = bool(
        re.fullmatch(r"\d{1,2}[./-]\d{1,2}[./-]\d{4}|\d{4}-\d{1,2}-\d{1,2}", text)
    )
    for form in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            parsed = datetime.strptime(text, form).date()  # noqa: DTZ007 (a date, no time)
            break
        except ValueError:
            continue
    if parsed is None and looks_like_a_date:
        raise AnswerError(_("This date does not exist. Check the day and the month."))
    if parsed is None or parsed < date(1900, 1, 1):
        raise AnswerError(_("Please give a date as DD.MM.YYYY, for example 02.03.1994."))
    if question.validation.get("past") and parsed > timezone.localdate():
        raise AnswerError(_("This date cannot be in the future. Check the year."))
    return parsed.isoformat()


def _phone(question: Question, text: str) -> str:
    try:
        number = phonenumbers.parse(text, settings.CORRIDOR_DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException:
        raise AnswerError(
            _(
                "This does not look like a phone number. Type it with "
                "the country code, for example +7 900 123 45 67."
            )
        ) from None
    if not phonenumbers.is_possible_number(number):
        raise AnswerError(
            _(
                "This does not look like a phone number. Type it with "
                "the country code, for example +7 900 123 45 67."
            )
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _location(question: Question, text: str) -> str:
    match = _COORDS.match(text)
    if match:
        lat, lon = float(match.group(1)), float(match.group(2))
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise AnswerError(
                _(
                    "These coordinates are out of range. Give the latitude, then the longitude, "
                    "for example 48.1, 37.6, or describe the place in words."
                )
            )
        return f"{lat:.6f}, {lon:.6f}"
    return _text(question, text)


_CHECKS = {
    "text": _text,
    "choice": _choice,
    "yesno": _yesno,
    "number": _number,
    "date": _date,
    "phone": _phone,
    "location": _location,
}


# --- loading and checking a definition -----------------------------------------------------------


def _line(node) -> int:
    return node.start_mark.line + 1 if node is not None else 0


def _child(node, key: str):
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == key:
                return v
    return None


def parse(text: str) -> Questionnaire:
    """Build a questionnaire from YAML text, or raise DefinitionError naming every problem."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise DefinitionError([(mark.line + 1 if mark else 0, "not valid YAML")]) from None
    problems: list[tuple[int, str]] = []
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        raise DefinitionError([(1, "expected a mapping with a 'questions' list")])
    languages = tuple(data.get("languages") or ())
    if not languages or any(lang not in dict(settings.LANGUAGES) for lang in languages):
        problems.append((_line(_child(root, "languages")), "languages must list ru, uk and/or en"))
    nodes = _child(root, "questions").value
    questions, seen = [], set()
    for node, item in zip(nodes, data["questions"], strict=True):
        line = _line(node)
        question, found = _question(item, line, languages, seen)
        problems += found
        if question is not None:
            questions.append(question)
            seen.add(question.id)
    if problems:
        raise DefinitionError(problems)
    return Questionnaire(
        str(data.get("programme", "")), int(data.get("version", 1)), languages, tuple(questions)
    )


def _labels(value, languages, line, what) -> list[tuple[int, str]]:
    if not isinstance(value, dict) or any(not value.get(lang) for lang in languages):
        return [(line, f"{what} needs a text for each of {', '.join(languages)}")]
    return []


def _question(item, line: int, languages, seen: set) -> tuple[Question | None, list]:
    if not isinstance(item, dict):
        return None, [(line, "a question must be a mapping")]
    problems = []
    qid = str(item.get("id", ""))
    if not _ID.match(qid):
        problems.append((line, f"question id {qid!r} must be lower-case letters, digits, _"))
    elif qid in seen:
        problems.append((line, f"question id {qid!r} is used twice"))
    qtype = item.get("type")
    if qtype not in TYPES:
        problems.append((line, f"question {qid!r}: type must be one of {', '.join(TYPES)}"))
    problems += _labels(item.get("label"), languages, line, f"question {qid!r}: label")
    if "help" in item:
        problems += _labels(item.get("help"), languages, line, f"question {qid!r}: help")
    choices = []
    if qtype == "choice":
        raw = item.get("choices")
        if not isinstance(raw, list) or not raw:
            problems.append((line, f"question {qid!r}: a choice question needs choices"))
        for choice in raw or []:
            if not isinstance(choice, dict) or not choice.get("value"):
                problems.append((line, f"question {qid!r}: each choice needs a value"))
                continue
            problems += _labels(
                choice.get("label"),
                languages,
                line,
                f"question {qid!r}: choice {choice['value']!r}",
            )
            choices.append(Choice(str(choice["value"]), choice.get("label") or {}))
    elif "choices" in item:
        problems.append((line, f"question {qid!r}: only choice questions have choices"))
    when = item.get("when")
    if when is not None:
        if (
            not isinstance(when, dict)
            or when.get("question") not in seen
            or not (("equals" in when) ^ ("in" in when and isinstance(when["in"], list)))
        ):
            problems.append(
                (
                    line,
                    f"question {qid!r}: 'when' needs an earlier question and "
                    "either 'equals' or an 'in' list",
                )
            )
    compartment = item.get("compartment", IDENTITY)
    if compartment not in COMPARTMENTS:
        problems.append(
            (line, f"question {qid!r}: compartment must be one of {', '.join(COMPARTMENTS)}")
        )
    index = item.get("index")
    if index is not None and index not in INDEXES:
        problems.append((line, f"question {qid!r}: unknown index {index!r}"))
    if index == "name_dob" and item.get("index_with") not in seen:
        problems.append(
            (line, f"question {qid!r}: name_dob needs index_with naming an earlier question")
        )
    validation = item.get("validation") or {}
    if not isinstance(validation, dict):
        problems.append((line, f"question {qid!r}: validation must be a mapping"))
        validation = {}
    if "pattern" in validation:
        try:
            re.compile(validation["pattern"])
        except re.error:
            problems.append((line, f"question {qid!r}: pattern is not a regular expression"))
    if problems:
        return None, problems
    return Question(
        id=qid,
        type=qtype,
        label=item["label"],
        required=bool(item.get("required", False)),
        help=item.get("help"),
        choices=tuple(choices),
        when=when,
        compartment=compartment,
        index=index,
        index_with=item.get("index_with"),
        validation=validation,
        line=line,
    ), []


def load(path: str | Path) -> Questionnaire:
    return parse(Path(path).read_text(encoding="utf-8"))


@cache
def current() -> Questionnaire:
    """The programme's questionnaire (``CORRIDOR_PROGRAMME``), loaded once per process."""
    return load(Path(settings.CORRIDOR_PROGRAMME_DIR) / "questionnaire.yaml")


def display(values: dict, language: str) -> list[tuple[str, str]]:
    """Answers as (question label, answer in words) for staff pages, in questionnaire order;
    keys that are not questions (a call note, a phrase) keep their own name."""
    questionnaire = current()
    known = {q.id: q for q in questionnaire.questions}
    order = {q.id: n for n, q in enumerate(questionnaire.questions)}
    rows = []
    for key in sorted(values, key=lambda k: (order.get(k, len(order)), k)):
        value, question = values[key], known.get(key)
        if question is None:
            rows.append((_EXTRA_LABELS.get(key, key), "" if value is None else str(value)))
        elif question.type == "choice":
            rows.append((question.text(language), question.choice_label(str(value), language)))
        elif question.type == "yesno":
            rows.append((question.text(language), _("yes") if value else _("no")))
        else:
            rows.append((question.text(language), "—" if value in (None, "") else str(value)))
    return rows


_EXTRA_LABELS = {
    "call_note": gettext_lazy("Note of the call"),
    "note": gettext_lazy("Note"),
    "phrase": gettext_lazy("Recognition phrase"),
    "text": gettext_lazy("Text"),
    "created_at": gettext_lazy("Created"),
    "updated_at": gettext_lazy("Updated"),
    # a field sighting (planning/sightings.py)
    "sighting_position": gettext_lazy("Rough position"),
    "sighting_persons": gettext_lazy("How many"),
    "sighting_note": gettext_lazy("What the field unit saw"),
    # an instruction as delivered (planning/instructions.py)
    "code": gettext_lazy("Code"),
    "instruction": gettext_lazy("Instruction"),
    # a field unit's abort (planning/field.py)
    "abort_reason": gettext_lazy("Why the field unit aborted"),
    "task": gettext_lazy("Escort task"),
}
