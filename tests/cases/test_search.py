"""Search confirms blind-index candidates by decrypting; it never returns an invisible case."""

from intake import service
from intake.questionnaire import current
from vault.models import BlindIndex


def _client(programme, role):
    client = programme.staff.client(programme.users[role])
    client.cookies["corridor_language"] = "en"
    return client


def _case(name, phone=None, team=None):
    answers = {"who": "serviceman", "name": name}
    if phone:
        answers["phone"] = phone
    case = service.submit(current(), answers, channel="hotline", language="ru").case
    if team is not None:
        type(case).objects.filter(pk=case.pk).update(team=team)
    return case


def test_a_latin_spelling_finds_a_cyrillic_name(programme):
    case = _case("Кузьминов Максим")
    page = _client(programme, "operator").post(
        "/cases/search/", {"kind": "full_name", "value": "Maksim Kuzminov"}
    )
    assert case.number in page.content.decode()


def test_a_false_candidate_is_not_listed(programme):
    real = _case("Кузьминов Максим")
    other = _case("Петров Пётр")
    # Make the other case collide on the truncated index, as a real collision would.
    value = BlindIndex.objects.get(case=real, name="full_name").value
    BlindIndex.objects.filter(case=other, name="full_name").update(value=value)
    html = (
        _client(programme, "operator")
        .post("/cases/search/", {"kind": "full_name", "value": "Кузьминов Максим"})
        .content.decode()
    )
    assert real.number in html and other.number not in html


def test_search_never_returns_a_case_the_user_may_not_see(programme):
    hidden = _case("Кузьминов Максим", team=programme.teams["planning"])
    html = (
        _client(programme, "operator")
        .post("/cases/search/", {"kind": "full_name", "value": "Kuzminov Maksim"})
        .content.decode()
    )
    assert hidden.number not in html
    assert _client(programme, "field_liaison").get("/cases/search/").status_code == 404


def test_phone_search_by_post_and_by_number(programme):
    case = _case("Иванов", phone="+7 900 123 45 67")
    client = _client(programme, "operator")
    assert (
        case.number
        in client.post("/cases/search/", {"kind": "phone", "value": "89001234567"}).content.decode()
    )
    assert case.number in client.get("/cases/search/", {"number": case.number}).content.decode()
