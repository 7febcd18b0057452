"""A case linked to another on several fields shows one row for that case, listing the fields,
not one row per field (the hotline's "earlier cases" too)."""

from django.utils import translation

from cases import workflow
from cases.links import shown_links
from cases.models import Case
from tests.vault.conftest import make_case


def test_one_row_per_linked_case_with_every_matching_field(programme):
    intake = programme.teams["intake"]
    case = make_case(intake)
    twin = make_case(intake, status=Case.Status.SCREENING)
    other = make_case(intake)
    for via in ("phone", "full_name", "name_dob"):
        workflow.link_possible_duplicate(case, twin, via=via)
    workflow.link_possible_duplicate(case, other, via="service_number")

    with translation.override("en"):
        rows, elsewhere = shown_links(programme.users["operator"], case)
    assert not elsewhere
    assert [(r["other"], r["via"]) for r in rows] == [
        (twin, "phone number, name, name and date of birth"),
        (other, "service number"),
    ]

    client = programme.staff.client(programme.users["operator"])
    client.cookies["corridor_language"] = "en"
    html = client.get(f"/cases/{case.number}/").content.decode()
    linked = html.split("Linked cases</h2>")[1].split("</ul>")[0]
    assert linked.count(f'href="/cases/{twin.number}/"') == 1
    assert "matched on phone number, name, name and date of birth" in linked
    assert linked.count("<li>") == 2


def test_a_name_match_reads_as_a_person_s_name_in_ukrainian(programme):
    case, twin = make_case(programme.teams["intake"]), make_case(programme.teams["intake"])
    workflow.link_possible_duplicate(case, twin, via="full_name")
    with translation.override("uk"):
        rows, _elsewhere = shown_links(programme.users["operator"], case)
    assert rows[0]["via"] == "ім’я"  # not "назва", a team's name
