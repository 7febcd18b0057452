from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from audit.models import Event
from rewards import rates
from rewards.models import Rate

GOOD = "date,currency,rate\n2023-09-05,UAH,36.5686\n2023-09-05,EUR,0.926\n"


def test_rates_are_imported_and_converted_exactly(programme):
    officer = programme.users["finance_officer"]
    assert rates.import_csv(GOOD, actor=officer) == {"imported": 2, "unchanged": 0}
    assert rates.convert(Decimal(500_000), date(2023, 9, 5), "EUR") == Decimal("463000.00")
    assert rates.convert(Decimal(500_000), date(2023, 9, 5), "UAH") == Decimal("18284300.00")
    assert rates.import_csv(GOOD, actor=officer) == {"imported": 0, "unchanged": 2}
    event = Event.objects.filter(action="reward_rates_imported").last()
    assert event.detail["imported"] == 2 and event.detail["currencies"] == ["EUR", "UAH"]


def test_a_missing_rate_is_an_error_never_the_nearest_day(programme):
    rates.import_csv(GOOD, actor=programme.users["finance_officer"])
    with pytest.raises(rates.MissingRate):
        rates.convert(Decimal(1), date(2023, 9, 6), "UAH")
    assert rates.for_reference(Decimal(1), date(2023, 9, 6)) is None


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("05.09.2023,UAH,36.5", "La fecha"),
        ("2023-09-06,hryvnia,36.5", "three-letter"),
        ("2023-09-06,USD,1", "USD itself"),
        ("2023-09-06,UAH,-1", "positive number"),
        ("2023-09-06,UAH,1e400", "positive number"),
        ("2023-09-06,UAH,36.1234567", "six decimal"),
        ("2023-09-06,UAH", "exactly three"),
        ("2023-09-05,UAH,37", "already on line"),
    ],
)
def test_a_bad_line_is_named_and_nothing_is_imported(programme, line, message):
    text = GOOD + line + "\n"
    with translation.override("en"), pytest.raises(rates.RatesInvalid) as invalid:
        rates.import_csv(text, actor=programme.users["finance_officer"])
    problems = invalid.value.problems
    assert problems[0][0] == 4
    if message != "La fecha":
        assert message in str(problems[0][1])
    assert not Rate.objects.exists()


def test_errors_are_translated(programme):
    with translation.override("uk"), pytest.raises(rates.RatesInvalid) as invalid:
        rates.import_csv(
            "date,currency,rate\nвчора,UAH,1\n", actor=programme.users["finance_officer"]
        )
    assert "YYYY-MM-DD" in invalid.value.problems[0][1]
    assert "The date" not in invalid.value.problems[0][1]


def test_a_different_rate_for_a_day_already_imported_is_refused(programme):
    officer = programme.users["finance_officer"]
    rates.import_csv(GOOD, actor=officer)
    with pytest.raises(rates.RatesInvalid):
        rates.import_csv(
            "date,currency,rate\n2023-09-06,UAH,36.6\n2023-09-05,EUR,0.93\n", actor=officer
        )
    assert Rate.objects.count() == 2  # the good line of the refused file is not imported either


def test_the_command_imports_and_names_problems(programme, tmp_path, capsys):
    path = tmp_path / "rates.csv"
    path.write_text(GOOD + "2023-09-07,UAH,abc\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("rewards", "import-rates", str(path), "--user", "finance_officer")
    assert f"{path}:4:" in capsys.readouterr().err
    path.write_text(GOOD, encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("rewards", "import-rates", str(path), "--user", "operator")
    call_command("rewards", "import-rates", str(path), "--user", "finance_officer")
    assert "2 rate(s) imported" in capsys.readouterr().out


@pytest.mark.parametrize(
    "line",
    [
        "2023-09-06,UAH," + "1" * 200_000,  # one cell beyond the csv module's field limit
        "2023-W36-3,UAH,36.5",  # an ISO week date: not YYYY-MM-DD
        "20230906,UAH,36.5",
        "2023-09-06,UAH,٣٦",  # Arabic-Indic digits Decimal() would read as 36
        "2023-09-06,UAH,3_6",  # an underscore Decimal() would drop
        "2023-09-06,UAH,=1+35",  # a formula
        "2023-09-06,UAH,NaN",
        "2023-09-06,UAH,Infinity",
        "2023-09-06,UAH,0",
        "2023-09-06,UAH,0.000000",
    ],
)
def test_a_malicious_rates_line_is_named_never_a_500_never_imported(programme, line):
    """Attack: a rates CSV crafted to crash the import (a 500 on the page) or to slip a value
    past the check in a form nobody reviewing the file would read as the rate imported."""
    with pytest.raises(rates.RatesInvalid) as invalid:
        rates.import_csv(GOOD + line + "\n", actor=programme.users["finance_officer"])
    assert invalid.value.problems[0][0] == 4
    assert not Rate.objects.exists()
