"""Every audit action that can reach a case's timeline has a human label in uk, ru and en (no
raw codes like ``plan_saved`` on a case page), and runs of view events collapse into one line.

The walk reads the source of every app: any call that writes an event with
``object_type="case"`` names its action; a new one without a label fails here."""

import ast
from pathlib import Path

from django.utils import translation

from audit import log
from cases import timeline
from cases.models import Case
from cases.states import BY_NAME
from tests.vault.conftest import make_case

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", "tests", "node_modules", "migrations", "bench", "scripts", ".git"}


def _strings(node) -> list[str] | None:
    """The action names a call's argument can be: a literal, or a conditional of literals."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _strings(node.body), _strings(node.orelse)
        return None if body is None or orelse is None else body + orelse
    return None


def case_events_in_code() -> tuple[set[str], set[str], list[str]]:
    """(action names, system transition names, unreadable call sites) of every call in the
    code base that writes an event about a case."""
    actions, transitions, unreadable = set(), set(), []
    for path in sorted(ROOT.rglob("*.py")):
        if SKIP & set(path.relative_to(ROOT).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
            if not isinstance(node, ast.Call):
                continue
            keywords = {k.arg: k.value for k in node.keywords}
            kind = keywords.get("object_type")
            if not (isinstance(kind, ast.Constant) and kind.value == "case"):
                continue
            if not node.args:  # a query (Event.objects.filter(object_type="case", ...))
                continue
            names = _strings(node.args[0])
            if names is None:
                unreadable.append(f"{path.relative_to(ROOT)}:{node.lineno}")
                continue
            actions.update(names)
            if "case_transition" in names and "transition" in keywords:
                step = _strings(keywords["transition"])
                if step is not None:
                    transitions.update(step)
    return actions, transitions, unreadable


def _translated(label, language: str) -> bool:
    with translation.override(language):
        shown = str(label)
    with translation.override("en"):
        english = str(label)
    return language == "en" or shown != english


def test_every_action_that_reaches_the_timeline_has_a_translated_label():
    actions, _transitions, unreadable = case_events_in_code()
    assert not unreadable, f"case events with a computed action name: {unreadable}"
    # The walk finds what it must (so this test can fail).
    assert {"plan_saved", "escort_task_opened", "case_opened", "access_declined"} <= actions
    shown = actions - set(timeline.HIDDEN) - {"case_transition"}
    missing = sorted(a for a in shown if a not in timeline.LABELS)
    assert not missing, f"case timeline actions without a label: {missing}"
    for action in sorted(shown):
        for language in ("uk", "ru"):
            assert _translated(timeline.LABELS[action], language), (action, language)


def test_every_transition_has_a_translated_label():
    _actions, transitions, _unreadable = case_events_in_code()
    assert {"dormant_after_silence", "reopen_on_contact"} <= transitions
    assert transitions - set(BY_NAME) <= set(timeline.SYSTEM_STEPS)
    labels = [step.label for step in BY_NAME.values()] + list(timeline.SYSTEM_STEPS.values())
    for label in labels:
        for language in ("uk", "ru"):
            assert _translated(label, language), (str(label), language)


def test_the_case_page_shows_no_raw_action_code(programme, client):
    case = make_case(programme.teams["intake"])
    officer = programme.users["case_officer"]
    for action in ("plan_saved", "instruction_drafted", "drop_note_printed", "telegram_queued"):
        log.record(action, actor=officer, object_type="case", object_id=case.number)
    client = programme.staff.client(programme.users["operator"])
    client.cookies["corridor_language"] = "uk"
    html = client.get(f"/cases/{case.number}/").content.decode()
    shown = html[html.index('class="timeline"') :]
    for raw in ("plan_saved", "instruction_drafted", "drop_note_printed", "telegram_queued"):
        assert raw not in shown
    with translation.override("uk"):
        assert str(timeline.LABELS["plan_saved"]) in shown


def test_a_run_of_openings_by_one_liaison_is_one_line_with_a_count(programme):
    case = make_case(programme.teams["intake"])
    liaison = programme.users["field_liaison"]
    officer = programme.users["case_officer"]

    def opened(actor, times):
        for _ in range(times):
            log.record("escort_task_opened", actor=actor, object_type="case", object_id=case.number)

    opened(liaison, 7)
    opened(officer, 2)  # another actor: a line of its own
    log.record(
        "escort_reported",
        actor=liaison,
        object_type="case",
        object_id=case.number,
        status="en_route",
    )
    opened(liaison, 1)
    opened(liaison, 3)  # continues the run just before
    log.record("plan_saved", actor=officer, object_type="case", object_id=case.number)
    log.record("plan_saved", actor=officer, object_type="case", object_id=case.number)

    rows = timeline.timeline(case)
    with translation.override("en"):
        shown = [(str(r["label"]), str(r["target"]), r["actor"], r["count"]) for r in rows]
    assert shown == [
        ("Escort task opened by the field unit", "", liaison.username, 7),
        ("Escort task opened by the field unit", "", officer.username, 2),
        ("Field unit report", "En route", liaison.username, 1),
        ("Escort task opened by the field unit", "", liaison.username, 4),
        ("Exit plan saved", "", officer.username, 1),  # not a view: never collapsed
        ("Exit plan saved", "", officer.username, 1),
    ]
    assert rows[0]["until"] >= rows[0]["at"]
    # Every opening is still an audit event of its own (DESIGN: reading is audited).
    assert log.case_events(case.number).filter(action="escort_task_opened").count() == 13
    # The limit counts lines, not events: the oldest line survives a long run.
    opened(liaison, 300)
    assert timeline.timeline(case, limit=10)[0]["count"] == 7


def test_the_case_page_shows_the_count(programme):
    case = make_case(programme.teams["intake"])
    liaison = programme.users["field_liaison"]
    for _ in range(5):
        log.record("escort_task_opened", actor=liaison, object_type="case", object_id=case.number)
    client = programme.staff.client(programme.users["operator"])
    client.cookies["corridor_language"] = "en"
    html = client.get(f"/cases/{case.number}/").content.decode()
    assert html.count("Escort task opened by the field unit") == 1
    assert "(5 times, the last one at <time" in html


def test_a_step_named_like_its_state_is_not_said_twice(programme):
    """The timeline said "Received → Received": the step's label is its target state's."""
    case = make_case(programme.teams["intake"])
    officer = programme.users["case_officer"]
    log.record(
        "case_transition", actor=officer, object_type="case", object_id=case.number,
        transition="receive", before="in_progress", after="received",
    )  # fmt: skip
    log.record(
        "case_transition", actor=officer, object_type="case", object_id=case.number,
        transition="screen", before="new", after="screening",
    )  # fmt: skip
    rows = timeline.timeline(case)
    received = [r for r in rows if str(r["label"]) == str(BY_NAME["receive"].label)]
    assert received and received[0]["target"] == ""
    screened = [r for r in rows if str(r["label"]) == str(BY_NAME["screen"].label)]
    assert screened and str(screened[0]["target"]) == str(Case.Status.SCREENING.label)
