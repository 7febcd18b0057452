"""A staff form where some fields may stay empty says which ones may not, before the first
submit; a form where everything is compulsory (the login) carries no marks."""

from django import forms
from django.template.loader import render_to_string
from django.utils import translation


class _Mixed(forms.Form):
    surname = forms.CharField(label="Surname")
    marks = forms.CharField(label="Marks", required=False)
    agreed = forms.BooleanField(label="Agreed", required=False)


class _AllCompulsory(forms.Form):
    username = forms.CharField(label="User")
    password = forms.CharField(label="Password")
    agreed = forms.BooleanField(label="Agreed", required=False)


def _labels(form) -> str:
    with translation.override("en"):
        return render_to_string("form_fields.html", {"form": form})


def test_a_mixed_form_marks_its_compulsory_fields_only():
    html = _labels(_Mixed())
    assert 'for="id_surname">Surname <span class="required">(compulsory)</span>' in html
    assert 'for="id_marks">Marks</label>' in html
    assert html.count("(compulsory)") == 1


def test_a_form_where_everything_is_compulsory_has_no_marks():
    assert "(compulsory)" not in _labels(_AllCompulsory())


def test_the_enquiry_form_says_which_fields_the_operator_must_fill(programme):
    from tests.vault.conftest import make_case

    case = make_case(programme.teams["intake"])
    client = programme.staff.client(programme.users["operator"])
    client.cookies["corridor_language"] = "uk"
    page = client.get(f"/reception/enquiries/{case.number}/").content.decode()
    assert page.count("(обов’язково)") == 4  # who asks, relation, surname, first names


def test_the_enquiry_form_says_before_a_submit_that_birth_date_or_number_is_needed(programme):
    from tests.vault.conftest import make_case

    case = make_case(programme.teams["intake"])
    client = programme.staff.client(programme.users["operator"])
    client.cookies["corridor_language"] = "uk"
    page = client.get(f"/reception/enquiries/{case.number}/").content.decode()
    assert "Його дата народження або особистий номер, хоча б одне" in page
    assert "з іменем по батькові" in page  # the match compares the whole name
