"""Staff UI: Ukrainian by default; Russian and English switchable; catalogues compiled."""

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("accept", ["", "en-US,en;q=0.5", "ru-RU"])
def test_the_staff_ui_is_ukrainian_whatever_the_browser_asks(client, db, accept):
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response["Content-Language"] == "uk"
    assert "Вхід для персоналу" in response.content.decode()


@pytest.mark.parametrize(
    ("code", "text"),
    [("ru", "Вход для персонала"), ("en", "Staff login"), ("uk", "Вхід для персоналу")],
)
def test_it_switches_language_with_a_plain_form(client, db, code, text):
    response = client.post("/i18n/setlang/", {"language": code, "next": "/login/"})
    assert response.status_code == 302
    page = client.get("/login/")
    assert text in page.content.decode()


@pytest.mark.parametrize("lang", ["uk", "ru", "en"])
def test_catalogues_exist_and_are_compiled(lang):
    po = ROOT / "locale" / lang / "LC_MESSAGES" / "django.po"
    assert po.exists()
    assert po.with_suffix(".mo").exists(), "run make messages"


@pytest.mark.parametrize("lang", ["uk", "ru"])
def test_every_string_is_translated(lang):
    text = (ROOT / "locale" / lang / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]
    untranslated = [
        e
        for e in entries
        if 'msgstr ""' in e.splitlines()[-1]
        and "msgstr[" not in e
        and not e.startswith("#~")
        and e.strip().endswith('msgstr ""')
    ]
    fuzzy = [e for e in entries if "#, fuzzy" in e]
    assert untranslated == [] and fuzzy == []


@pytest.mark.parametrize("lang", ["uk", "ru", "en"])
def test_every_plural_has_as_many_forms_as_the_language(lang):
    """Russian and Ukrainian have four plural forms (the fourth for fractions): an entry with
    three compiles, but gettext's own check refuses it and a fraction would show the English."""
    po = ROOT / "locale" / lang / "LC_MESSAGES" / "django.po"
    result = subprocess.run(  # noqa: S603
        ["msgfmt", "--check-format", "--check-header", "-o", "/dev/null", str(po)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
