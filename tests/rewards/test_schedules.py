import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from rewards import schedules

REFERENCE = Path(__file__).resolve().parents[2] / "programmes" / "reference" / "rewards"
LAW = REFERENCE / "2022-04-01-law-7229.yaml"


def test_the_reference_schedule_has_every_category_of_the_law():
    schedule = schedules.load(LAW)
    amounts = {c.id: (c.low, c.high) for c in schedule.categories.values()}
    assert amounts == {
        "combat_aircraft": (Decimal(1_000_000), Decimal(1_000_000)),
        "ship_rank_1_2": (Decimal(1_000_000), Decimal(1_000_000)),
        "combat_helicopter": (Decimal(500_000), Decimal(500_000)),
        "ship_rank_3_4": (Decimal(500_000), Decimal(500_000)),
        "auxiliary_vessel": (Decimal(200_000), Decimal(200_000)),
        "tank_or_spg": (Decimal(100_000), Decimal(100_000)),
        "ifv_apc": (Decimal(50_000), Decimal(50_000)),
        "small_combat_boat": (Decimal(50_000), Decimal(50_000)),
        "mlrs": (Decimal(25_000), Decimal(35_000)),
        "military_vehicle": (Decimal(10_000), Decimal(10_000)),
    }
    assert schedule.effective == date(2022, 4, 1)
    assert {"voluntary", "serviceable"} <= {c["id"] for c in schedule.conditions}


def test_a_multiple_rocket_launcher_is_only_within_its_range():
    mlrs = schedules.load(LAW).category("mlrs")
    assert not mlrs.fixed
    assert mlrs.allows(Decimal(25_000)) and mlrs.allows(Decimal(35_000))
    assert not mlrs.allows(Decimal("24999.99")) and not mlrs.allows(Decimal("35000.01"))


def _folder(tmp_path, *extra: tuple[str, str]) -> Path:
    folder = tmp_path / "rewards"
    folder.mkdir()
    shutil.copy(LAW, folder / LAW.name)
    for name, text in extra:
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _amended(effective: str, helicopter: int = 600_000) -> str:
    return (
        LAW.read_text(encoding="utf-8")
        .replace("effective: 2022-04-01", f"effective: {effective}")
        .replace(
            'usd: 500000\n    label: {ru: "Боевой вертолёт"',
            f'usd: {helicopter}\n    label: {{ru: "Боевой вертолёт"',
        )
    )


def test_the_schedule_in_force_on_the_handover_date_is_chosen(tmp_path, monkeypatch):
    folder = _folder(tmp_path, ("2025-01-01-amendment.yaml", _amended("2025-01-01")))
    monkeypatch.setattr(schedules, "directory", lambda: folder)
    assert schedules.in_force(date(2023, 8, 9)).category("combat_helicopter").low == 500_000
    assert schedules.in_force(date(2024, 12, 31)).id == "2022-04-01-law-7229"
    assert schedules.in_force(date(2025, 1, 1)).category("combat_helicopter").low == 600_000
    with pytest.raises(schedules.NoSchedule):
        schedules.in_force(date(2022, 3, 31))


def test_the_portal_table_shows_the_schedule_in_force_today(
    client, programme, tmp_path, monkeypatch
):
    folder = _folder(
        tmp_path,
        ("2024-01-01-amendment.yaml", _amended("2024-01-01", 700_000)),
        ("2999-01-01-future.yaml", _amended("2999-01-01", 900_000)),
    )
    monkeypatch.setattr(schedules, "directory", lambda: folder)
    client.cookies["corridor_language"] = "ru"
    html = client.get("/portal/p/rewards/").content.decode()
    assert "700\u202f000" in html and "900\u202f000" not in html


def test_the_check_command_accepts_the_reference_schedule(capsys):
    call_command("rewards", "check")
    assert "10 categories" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (("usd: [25000, 35000]", "usd: [35000, 25000]"), "low < high"),
        (("usd: 10000", "usd: 10000.5"), "whole number"),
        (("currency: USD", "currency: EUR"), "amounts are in USD"),
        (("effective: 2022-04-01", "effective: soon"), "YYYY-MM-DD"),
        (("  - id: voluntary\n", "  - id: freely\n"), "requires 'voluntary'"),
        (("  - id: mlrs\n", "  - id: mlrs\n    size: big\n"), "unknown key 'size'"),
        (("id: tank_or_spg", "id: combat_aircraft"), "given twice"),
        ((', en: "Multiple rocket launcher"', ""), "missing text in 'en'"),
    ],
)
def test_the_check_command_names_line_and_reason(tmp_path, capsys, change, reason):
    folder = tmp_path / "rewards"
    folder.mkdir()
    text = LAW.read_text(encoding="utf-8")
    assert change[0] in text
    (folder / LAW.name).write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("rewards", "check", str(folder))
    err = capsys.readouterr().err
    assert reason in err and f"{LAW.name}:" in err


def test_two_laws_on_the_same_day_are_refused(tmp_path, capsys):
    folder = _folder(tmp_path, ("same-day.yaml", LAW.read_text(encoding="utf-8")))
    with pytest.raises(CommandError):
        call_command("rewards", "check", str(folder))
    assert "same day" in capsys.readouterr().err


def test_a_broken_schedule_folder_stops_the_start_and_the_portal_page_stays_up(
    client, programme, tmp_path, monkeypatch
):
    from rewards.checks import reward_schedules

    assert reward_schedules(None) == []
    folder = _folder(tmp_path, ("2024-01-01-broken.yaml", "law: [unclosed\n"))
    monkeypatch.setattr(schedules, "directory", lambda: folder)
    found = reward_schedules(None)
    assert found and found[0].id == "rewards.E002" and "2024-01-01-broken.yaml" in found[0].msg
    assert client.get("/portal/p/rewards/").status_code == 200
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setattr(schedules, "directory", lambda: empty)
    assert [e.id for e in reward_schedules(None)] == ["rewards.E003"]
