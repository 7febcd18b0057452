"""Procedures as programme data: every file of every programme loads, every placeholder is
filled in every language, and a broken file is named with its line and reason."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from intake import questionnaire
from planning import dropnote, procedures, programme

PROGRAMMES = sorted(p for p in (Path(settings.BASE_DIR) / "programmes").iterdir() if p.is_dir())

# A value for every known placeholder, each one recognisable in the output.
SAMPLE = {name: f"<<{name}>>" for name in procedures.PLACEHOLDERS}

GOOD = """\
id: sample
version: 1
languages: [ru, uk, en]
title: {ru: "Т", uk: "Т", en: "T"}
summary: {ru: "С", uk: "С", en: "S"}
steps:
  - ru: "Точка {point}. Фраза «{phrase}», код {code}."
    uk: "Точка {point}. Фраза «{phrase}», код {code}."
    en: "Point {point}. Phrase “{phrase}”, code {code}."
"""


@pytest.mark.parametrize("folder", PROGRAMMES, ids=lambda p: p.name)
def test_all_programme_data_loads(folder):
    """Questionnaire, reward schedule, planning settings and every procedure of the programme."""
    questionnaire.load(folder / "questionnaire.yaml")
    dropnote.parse((folder / "drop_note.yaml").read_text(encoding="utf-8"))
    programme.parse((folder / "planning.yaml").read_text(encoding="utf-8"))
    loaded, problems = procedures.check_all(folder / "procedures")
    assert problems == {}
    assert loaded


@pytest.mark.parametrize("folder", PROGRAMMES, ids=lambda p: p.name)
def test_every_placeholder_is_filled_in_every_language(folder):
    loaded, _problems = procedures.check_all(folder / "procedures")
    for procedure in loaded.values():
        for language in procedure.languages:
            steps = procedure.render(language, SAMPLE)
            text = "\n".join(steps)
            assert "{" not in text and "}" not in text, (procedure.id, language)
            for name in procedure.placeholders:
                assert f"<<{name}>>" in text, (procedure.id, language, name)
            # the same placeholders in the same step of every language
            for number, step in enumerate(steps):
                here = {n for n in SAMPLE if f"<<{n}>>" in step}
                first = procedure.render(procedure.languages[0], SAMPLE)[number]
                assert here == {n for n in SAMPLE if f"<<{n}>>" in first}


def test_the_reference_programme_has_the_procedures_the_design_names():
    loaded = procedures.all_procedures()
    assert {
        "pre_deployment",
        "drone_escort",
        "ground_unit",
        "equipment_vehicle",
        "equipment_aircraft",
        "equipment_vessel",
        "family_first",
    } <= set(loaded)
    assert loaded["drone_escort"].operational
    assert not loaded["pre_deployment"].operational
    assert not loaded["family_first"].operational


def test_the_drone_escort_carries_the_published_steps():
    steps = procedures.get("drone_escort").render("ru", SAMPLE)
    text = " ".join(steps)
    for published in ("посмотрите на него", "поднимите руки", "белую повязку", "Идите за ним шагом",
                      "улетит назад", "лицом вниз"):  # fmt: skip
        assert published in text


def test_rendering_refuses_a_missing_value():
    values = dict(SAMPLE)
    del values["window_start"]
    with pytest.raises(procedures.MissingValue) as caught:
        procedures.get("drone_escort").render("ru", values)
    assert caught.value.name == "window_start"
    values["window_start"] = "  "
    with pytest.raises(procedures.MissingValue):
        procedures.get("drone_escort").render("ru", values)


def test_an_unknown_language_falls_back_to_russian():
    procedure = procedures.get("drone_escort")
    assert procedure.render("de", SAMPLE) == procedure.render("ru", SAMPLE)


def test_the_check_command_passes_on_the_reference_programme(capsys):
    call_command("procedures", "check")
    out = capsys.readouterr().out
    assert "drone_escort, 8 steps, languages ru, uk, en, operational: ok" in out


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (("{point}. Фраза", "{pont}. Фраза"), "step 1 (ru): unknown placeholder {pont}"),
        (("Point {point}.", "Point {point."), "step 1 (en): unbalanced brace"),
        (
            ('uk: "Точка {point}. ', 'uk: "Точка. '),
            "placeholders differ between ru and uk: {point}",
        ),
        (('    en: "Point', '    de: "Point'), "step 1 has no en text"),
        (("id: sample", "id: other"), "id 'other' differs from the file name"),
        (("languages: [ru, uk, en]", "languages: [ru, xx]"), "languages must list"),
        (('title: {ru: "Т", ', "title: {"), "title has no ru text"),
    ],
)
def test_a_broken_file_is_named_with_line_and_reason(tmp_path, capsys, change, reason):
    (tmp_path / "sample.yaml").write_text(GOOD.replace(*change), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("procedures", "check", str(tmp_path))
    err = capsys.readouterr().err
    assert f"{tmp_path / 'sample.yaml'}:" in err
    assert reason in err
    # the line is a real line number of the file
    line = int(err.split(f"{tmp_path / 'sample.yaml'}:")[1].split(":")[0])
    assert 1 <= line <= GOOD.count("\n") + 1


def test_a_procedure_without_phrase_and_code_is_refused(tmp_path):
    text = GOOD.replace("Фраза «{phrase}», код {code}.", "").replace(
        "Phrase “{phrase}”, code {code}.", ""
    )
    with pytest.raises(procedures.ProcedureError) as caught:
        procedures.parse(text, name="sample")
    reasons = " ".join(reason for _line, reason in caught.value.problems)
    assert "no step carries {phrase}" in reasons and "no step carries {code}" in reasons


def test_invalid_yaml_names_its_line(tmp_path):
    (tmp_path / "sample.yaml").write_text("id: [\nsteps: x\n", encoding="utf-8")
    with pytest.raises(procedures.ProcedureError) as caught:
        procedures.load(tmp_path / "sample.yaml")
    assert caught.value.problems[0][1] == "not valid YAML"


def test_planning_settings_name_their_problems():
    with pytest.raises(procedures.ProcedureError) as caught:
        programme.parse(
            "drone_flight_minutes: 0\nstaff_time_zone: Mars/Base\n"
            "applicant_time_zone: {ru: Europe/Moscow, xx: Nowhere/At_all}\n"
        )
    problems = caught.value.problems
    assert (1, "drone_flight_minutes: 1 to 240") in problems
    assert (2, "staff_time_zone: unknown zone 'Mars/Base'") in problems
    assert any("unknown language 'xx'" in r for _l, r in problems)


def test_russian_applicants_read_moscow_time():
    assert str(programme.current().applicant_zone("ru")) == "Europe/Moscow"
    assert str(programme.current().staff_zone()) == "Europe/Kyiv"
