"""Procedures as programme data: ordered steps with placeholders, one text per language.

A procedure is a YAML file in ``programmes/<programme>/procedures/`` (docs/planning.md). Its
steps name placeholders such as ``{point}`` or ``{window_start}``; an instruction is a
procedure rendered with a plan's values in the applicant's language. ``load`` refuses a broken
file naming the line and the reason of every problem, so ``corridor procedures check`` can
print them all; a running server only ever uses procedures that loaded without a problem.

Whether a procedure is *operational* (it carries a point, a window or a signal, and so needs a
second person's approval and never goes over Telegram) is derived from the placeholders its
steps use, not declared, so a data file cannot understate it.
"""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from django.conf import settings

# Every placeholder a step may use, and whether it is operational (reveals where, when or how
# the handover happens). A name not listed here is refused by ``load``.
PLACEHOLDERS: dict[str, bool] = {
    "point": True,  # handover point: MGRS and decimal degrees
    "point_description": True,  # what the place looks like, for a soldier to recognise it
    "window_start": True,
    "window_end": True,
    "fallback_start": True,
    "fallback_end": True,
    "signal": True,  # the recognition signal (white armband, raised arms, a light ...)
    "code_word": True,  # the word exchanged with the receiving unit
    "route": True,  # route or corridor (equipment handover)
    "approach": True,  # approach direction (equipment handover)
    "persons": False,  # head count expected
    "crew": False,  # crew count (equipment handover)
    "phrase": False,  # the applicant's recognition phrase
    "code": False,  # the instruction's short code
    "hotline": False,  # the programme's published hotline
    "portal": False,  # the programme's published portal (onion) address
}
OPERATIONAL = frozenset(name for name, operational in PLACEHOLDERS.items() if operational)
# Every instruction carries the recognition phrase and its code: without them an applicant
# cannot tell it from a hostile service's forgery (DESIGN.md, "Instructions").
REQUIRED = ("phrase", "code")
REQUIRED_WHY = "every instruction carries the recognition phrase and its code"

_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_BRACED = re.compile(r"\{([^{}]*)\}")
PLACEHOLDER_RE = re.compile(r"\{([a-z_]+)\}")


class ProcedureError(Exception):
    """A broken procedure file; ``problems`` lists (line, reason)."""

    def __init__(self, problems: list[tuple[int, str]]):
        super().__init__("; ".join(f"line {line}: {reason}" for line, reason in problems))
        self.problems = problems


class MissingValue(KeyError):
    """Rendering needs a value the plan does not have; ``name`` is the placeholder."""

    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


@dataclass(frozen=True)
class Procedure:
    id: str
    version: int
    languages: tuple[str, ...]
    title: dict
    summary: dict
    steps: tuple[dict, ...]  # each step: language -> text
    path: str = ""
    # The family is moved to safety before the exit: a plan with this procedure keeps
    # "family first" on (planning/plans.py validate; family/relatives.py blocker).
    family_first: bool = False

    @property
    def placeholders(self) -> frozenset[str]:
        """Every placeholder any step uses (the same in every language: ``load`` checks)."""
        found: set[str] = set()
        for step in self.steps:
            for text in step.values():
                found.update(PLACEHOLDER_RE.findall(text))
        return frozenset(found)

    @property
    def operational(self) -> bool:
        """Carries a point, a window or a signal: second person's approval, never Telegram."""
        return bool(self.placeholders & OPERATIONAL)

    def language(self, language: str) -> str:
        """The language to render in: the applicant's if the procedure has it, else Russian
        (the programme's default for applicants), else its first."""
        if language in self.languages:
            return language
        return "ru" if "ru" in self.languages else self.languages[0]

    def title_in(self, language: str) -> str:
        return self.title[self.language(language)]

    def render(self, language: str, values: dict) -> list[str]:
        """The numbered steps in ``language`` with every placeholder filled. Raises
        MissingValue naming the first placeholder without a value; never leaves one empty."""
        lang = self.language(language)

        def fill(match: re.Match) -> str:
            value = values.get(match.group(1))
            if value is None or str(value).strip() == "":
                raise MissingValue(match.group(1))
            return str(value)

        return [PLACEHOLDER_RE.sub(fill, step[lang]) for step in self.steps]


# --- loading and checking ------------------------------------------------------------------


def _line(node) -> int:
    return node.start_mark.line + 1 if node is not None else 0


def _child(node, key: str):
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == key:
                return v
    return None


def _text_problems(text, line: int, what: str) -> list[tuple[int, str]]:
    """Braces that are not a known placeholder: a typo would reach the applicant verbatim."""
    problems = []
    for inner in _BRACED.findall(text):
        if inner not in PLACEHOLDERS:
            problems.append((line, f"{what}: unknown placeholder {{{inner}}}"))
    stripped = _BRACED.sub("", text)
    if "{" in stripped or "}" in stripped:
        problems.append((line, f"{what}: unbalanced brace"))
    return problems


def _texts(value, languages, line: int, what: str) -> list[tuple[int, str]]:
    if not isinstance(value, dict):
        return [(line, f"{what} needs a text for each of {', '.join(languages)}")]
    problems = []
    for lang in languages:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            problems.append((line, f"{what} has no {lang} text"))
    extra = sorted(set(value) - set(languages))
    if extra:
        problems.append((line, f"{what} has a language not declared: {', '.join(extra)}"))
    return problems


def parse(text: str, *, name: str = "") -> Procedure:
    """Build a procedure from YAML text, or raise ProcedureError naming every problem.
    ``name`` (the file's stem) must equal the procedure's id when given."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise ProcedureError([(mark.line + 1 if mark else 0, "not valid YAML")]) from None
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
        raise ProcedureError([(1, "expected a mapping with a 'steps' list")])
    problems: list[tuple[int, str]] = []
    pid = str(data.get("id", ""))
    if not _ID.match(pid):
        problems.append((_line(_child(root, "id")) or 1, f"id {pid!r} must be a-z, 0-9 and _"))
    elif name and pid != name:
        problems.append((_line(_child(root, "id")), f"id {pid!r} differs from the file name"))
    version = data.get("version", 1)
    if not isinstance(version, int) or version < 1:
        problems.append((_line(_child(root, "version")), "version must be a positive integer"))
        version = 1
    known = dict(settings.LANGUAGES)
    languages = data.get("languages")
    if (
        not isinstance(languages, list)
        or not languages
        or any(lang not in known for lang in languages)
        or len(set(languages)) != len(languages)
    ):
        problems.append(
            (_line(_child(root, "languages")) or 1, "languages must list ru, uk and/or en")
        )
        languages = [lang for lang in (languages or []) if lang in known] or ["ru"]
    languages = tuple(languages)
    for key in ("title", "summary"):
        line = _line(_child(root, key)) or 1
        problems += _texts(data.get(key), languages, line, key)
        for lang, value in (data.get(key) or {}).items() if isinstance(data.get(key), dict) else []:
            if isinstance(value, str) and _BRACED.search(value):
                problems.append((line, f"{key} ({lang}): placeholders belong in steps"))
    steps = []
    nodes = _child(root, "steps").value
    if not data["steps"]:
        problems.append((_line(_child(root, "steps")), "a procedure needs at least one step"))
    for number, (node, step) in enumerate(zip(nodes, data["steps"], strict=True), start=1):
        line, what = _line(node), f"step {number}"
        found = _texts(step, languages, line, what)
        problems += found
        if found:
            continue
        used = {}
        for lang in languages:
            problems += _text_problems(step[lang], _line(_child(node, lang)), f"{what} ({lang})")
            used[lang] = set(PLACEHOLDER_RE.findall(step[lang])) & set(PLACEHOLDERS)
        first = languages[0]
        for lang in languages[1:]:
            if used[lang] != used[first]:
                gone = sorted(used[first] ^ used[lang])
                problems.append(
                    (
                        line,
                        f"{what}: placeholders differ between {first} and {lang}: "
                        + ", ".join(f"{{{p}}}" for p in gone),
                    )
                )
        steps.append({lang: step[lang].strip() for lang in languages})
    used_anywhere = {
        name for step in steps for text in step.values() for name in PLACEHOLDER_RE.findall(text)
    }
    for required in REQUIRED:
        if steps and required not in used_anywhere:
            problems.append(
                (_line(_child(root, "steps")), f"no step carries {{{required}}}: {REQUIRED_WHY}")
            )
    family_first = data.get("family_first", False)
    if not isinstance(family_first, bool):
        problems.append((_line(_child(root, "family_first")), "family_first must be true or false"))
    if problems:
        raise ProcedureError(problems)
    return Procedure(
        family_first=family_first,
        id=pid,
        version=version,
        languages=languages,
        title=dict(data["title"]),
        summary=dict(data["summary"]),
        steps=tuple(steps),
    )


def load(path: str | Path) -> Procedure:
    path = Path(path)
    procedure = parse(path.read_text(encoding="utf-8"), name=path.stem)
    return Procedure(**{**procedure.__dict__, "path": str(path)})


def directory() -> Path:
    return Path(settings.CORRIDOR_PROGRAMME_DIR) / "procedures"


def check_all(folder: Path | None = None) -> tuple[dict[str, Procedure], dict[Path, list]]:
    """Load every procedure file of a folder: (procedures by id, problems by file)."""
    folder = folder or directory()
    loaded: dict[str, Procedure] = {}
    problems: dict[Path, list] = {}
    for path in sorted(folder.glob("*.yaml")):
        try:
            procedure = load(path)
        except ProcedureError as error:
            problems[path] = error.problems
            continue
        loaded[procedure.id] = procedure
    return loaded, problems


@cache
def all_procedures() -> dict[str, Procedure]:
    """The programme's procedures by id, loaded once per process. A broken file is an error
    here (the deploy check and ``corridor procedures check`` name it before a start)."""
    loaded, problems = check_all()
    if problems:
        raise ProcedureError([p for found in problems.values() for p in found])
    return loaded


def get(procedure_id: str) -> Procedure:
    return all_procedures()[procedure_id]


def choices(language: str) -> list[tuple[str, str]]:
    """(id, title) of every procedure for a form, in file order."""
    return [(p.id, p.title_in(language)) for p in all_procedures().values()]
