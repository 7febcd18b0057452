"""`corridor demo` loads a programme someone can log into within a minute."""

import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from accounts.models import Team, User
from accounts.roles import Role
from audit.log import verify
from cases import demo
from cases.models import Case


@pytest.fixture(autouse=True)
def demo_logins(tmp_path, monkeypatch):
    monkeypatch.setenv("CORRIDOR_DEMO_LOGINS", str(tmp_path / "demo-logins.json"))


def test_the_demo_loads_staff_for_every_role_and_cases(db, capsys):
    call_command("demo")
    out = capsys.readouterr().out
    for role in Role:
        assert User.objects.filter(groups__name=role.value).exists(), role
    assert Team.objects.filter(kind=Team.Kind.FIELD_UNIT).exists()
    assert Case.objects.count() >= 5
    assert len(set(Case.objects.values_list("status", flat=True))) >= 4
    # The printed credentials work: password plus a printed backup code.
    row = re.search(r"^\s+operator\s+(\S+)\s+([A-Z2-7]{32})\s+(\S+)", out, re.M)
    password, _secret, code = row.groups()
    client = Client()
    response = client.post("/login/", {"username": "operator", "password": password, "code": code})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert verify()[1] is None


def test_the_demo_can_be_loaded_again(db, capsys):
    call_command("demo")
    call_command("demo")
    assert User.objects.filter(username="operator").count() == 1
    assert Case.objects.count() == len(demo.CASES)


def test_the_demo_refuses_production(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("demo")


def test_the_demo_prints_a_codename_with_a_reply_waiting(db, capsys, client):
    call_command("demo")
    out = capsys.readouterr().out
    codename = re.search(r"Demo codename with a staff reply waiting: ([а-яё ]+)\n", out).group(1)
    assert len(codename.split()) == 6
    client.post("/portal/login/", {"codename": codename})
    inbox = client.get("/portal/inbox/").content.decode()
    assert "Мы получили вашу заявку" in inbox


def test_the_demo_teams_have_ukrainian_names(db, capsys):
    """Staff read a Ukrainian UI: the demo's team names are Ukrainian too."""
    call_command("demo")
    names = set(Team.objects.values_list("name", flat=True))
    assert names == {"Прийом звернень", "Планування", "Фінанси", "Польовий підрозділ 1"}
    assert all(re.search("[а-яіїєґ]", name) for name in names)


def test_an_older_demo_s_english_teams_are_renamed_in_place(db, capsys):
    """A development database made by an older demo keeps its teams (members, keys, cases)."""
    call_command("demo")
    from cases import demo

    for former, name in demo.FORMER_NAMES.items():
        Team.objects.filter(name=name).update(name=former)
    before = dict(Team.objects.values_list("name", "pk"))
    call_command("demo")
    after = dict(Team.objects.values_list("name", "pk"))
    assert {after[name] for name in demo.FORMER_NAMES.values()} == set(before.values())
    assert Team.objects.count() == 4


def test_the_demo_shows_the_mi8_reward_waiting_for_approval(db, capsys):
    from rewards.models import EquipmentItem, Proposal, Rate

    call_command("demo")
    item = EquipmentItem.objects.get()
    assert item.category == "combat_helicopter"
    assert Proposal.objects.get(item=item).status == Proposal.Status.PROPOSED
    assert Rate.objects.filter(currency="UAH").exists()
    call_command("demo")  # again: nothing doubled
    assert EquipmentItem.objects.count() == 1
