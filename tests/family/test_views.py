"""The family pages: Ukrainian by default, bad input keeps what was typed and names the field,
a refusal is a message, never a 500; each change one domain call."""

import pytest

from audit.models import Event
from family import relatives
from family.models import Relative
from tests.family.conftest import NAME, relative_values


@pytest.fixture
def client(programme, staff):
    return staff.client(programme.users["case_officer"])


def test_it_lists_a_relative_from_the_form(client, case):
    response = client.post(f"/family/cases/{case.number}/", relative_values())
    assert response.status_code == 302
    relative = Relative.objects.get(case=case)
    html = client.get(f"/family/cases/{case.number}/").content.decode()
    assert NAME in html and "Родича внесено." in html and 'lang="uk"' in html
    assert Event.objects.filter(action="relative_added", object_id=case.number).exists()
    assert relative.status == "identified"


def test_bad_input_keeps_what_was_typed_and_names_the_field(client, case):
    typed = relative_values(name="", relation="cousin", needs="x" * 1001)
    response = client.post(f"/family/cases/{case.number}/", typed)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Вкажіть ім&#x27;я." in html or "Вкажіть ім'я." in html
    assert typed["location"] in html and typed["contact"] in html
    assert not Relative.objects.exists()


def test_a_status_change_with_a_failure_reason(client, case, officer):
    relative = relatives.add(case, relative_values(), actor=officer)
    url = f"/family/cases/{case.number}/{relative.pk}/"
    # Failing without a reason: refused, the note typed is kept.
    response = client.post(url, {"action": "step", "step": "fail", "note": "пояснение-7"})
    assert response.status_code == 200 and "пояснение-7" in response.content.decode()
    relative.refresh_from_db()
    assert relative.status == "identified"
    response = client.post(
        url, {"action": "step", "step": "fail", "reason": "border", "note": "пояснение-7"}
    )
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert "Розвернули на кордоні" in html and "пояснение-7" in html
    # A step the status does not allow (stale page): refused with a message, no change.
    response = client.post(url, {"action": "step", "step": "arrive"})
    assert response.status_code == 200
    relative.refresh_from_db()
    assert relative.status == "failed"


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"action": "nonsense"},
        {"action": "step", "step": "x" * 5000},
        {"action": "link", "number": "'; DROP TABLE cases_case; --"},
        {"action": "link", "number": "ы" * 100},
        {"action": "edit", "relation": ["spouse", "child"], "name": "\x00"},
        {"action": "unlink"},
    ],
)
def test_garbage_never_gives_a_500(client, case, officer, data):
    relative = relatives.add(case, relative_values(), actor=officer)
    response = client.post(f"/family/cases/{case.number}/{relative.pk}/", data)
    assert response.status_code in (200, 302)


def test_wrong_methods_are_refused(client, case, officer):
    relative = relatives.add(case, relative_values(), actor=officer)
    for url in (f"/family/cases/{case.number}/", f"/family/cases/{case.number}/{relative.pk}/"):
        assert client.put(url).status_code == 405
        assert client.delete(url).status_code == 405


def test_the_page_and_its_errors_in_russian_and_english(client, case):
    client.cookies["corridor_language"] = "ru"
    html = client.post(f"/family/cases/{case.number}/", relative_values(name="")).content.decode()
    assert "Укажите имя." in html
    client.cookies["corridor_language"] = "en"
    html = client.post(f"/family/cases/{case.number}/", relative_values(name="")).content.decode()
    assert "Give the name." in html


def test_the_demo_has_a_family_first_case_waiting_for_the_wife(db, tmp_path, monkeypatch):
    from django.core.management import call_command
    from django.utils import translation

    from cases import states
    from cases.models import Case

    monkeypatch.setenv("CORRIDOR_DEMO_LOGINS", str(tmp_path / "demo-logins.json"))
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 (closed with the process)
    captain = Case.objects.filter(relatives__isnull=False).distinct().get()
    assert sorted(captain.relatives.values_list("status", flat=True)) == ["in_transit", "safe"]
    wife = captain.relatives.get(status="in_transit")
    assert wife.own_case is not None and wife.own_case.channel == Case.Channel.HOTLINE
    with translation.override("en"):
        assert states.family_is_safe(captain) == "Family first: 1 relative is not safe yet."


def test_a_relative_has_a_name_not_a_title_and_safe_is_not_red(client, case, officer):
    """A person's "Name" read "Назва" (the name of a thing) in Ukrainian and "Название" in
    Russian; a team's name keeps that word through its own context."""
    from django.utils import translation

    client.post(f"/family/cases/{case.number}/", relative_values())
    relative = Relative.objects.get(case=case)
    for step in ("contact", "plan", "depart", "arrive"):
        relatives.step(relative, step, actor=officer)
        relative.refresh_from_db()
    html = client.get(f"/family/cases/{case.number}/").content.decode()
    assert '<th scope="col">Ім’я</th>' in html and "Назва" not in html
    assert 'class="tag status-safe"' in html and '<div class="scroll">' in html
    client.cookies["corridor_language"] = "ru"
    html = client.get(f"/family/cases/{case.number}/").content.decode()
    assert '<th scope="col">Имя</th>' in html and "Название" not in html
    with translation.override("uk"):
        assert translation.pgettext("team", "Name") == "Назва"
