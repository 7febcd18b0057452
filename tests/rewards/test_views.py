"""The staff pages: the whole flow through HTTP, bad input kept and named, no 500."""

import pytest

from audit.models import Event
from rewards.models import Entry, EquipmentItem, Proposal, Rate
from tests.rewards.conftest import back_to


@pytest.fixture
def clients(money):
    staff = money.programme.staff
    made = {}
    for name, user in (("officer", money.officer), ("second", money.second), ("boss", money.boss)):
        client = staff.client(user)
        client.cookies["corridor_language"] = "en"
        made[name] = client
    return made


def _item_form(money, **changes):
    data = {
        "case_number": money.case.number,
        "category": "combat_helicopter",
        "handed_over_on": "2023-08-09",
        "model": "Mi-8AMTSh",
        "identifiers": "борт 00",
        "voluntary": "on",
        "serviceable": "on",
        "documents": "on",
    }
    data.update(changes)
    return data


def test_the_whole_flow_through_the_pages(money, clients):
    officer, second, boss = clients["officer"], clients["second"], clients["boss"]
    response = officer.post("/rewards/", _item_form(money))
    assert response.status_code == 302
    item = EquipmentItem.objects.get()
    url = f"/rewards/items/{item.pk}/"
    html = officer.get(url).content.decode()
    assert "Mi-8AMTSh" in html and "борт 00" in html
    assert (
        officer.post(url, {"action": "propose", "amount": "500 000", "reason": ""}).status_code
        == 302
    )
    proposal = Proposal.objects.get()
    # The proposer is not offered the approval at all, only told who approves ...
    own = officer.get(url).content.decode()
    assert 'value="approve"' not in own and "another finance officer or a supervisor" in own
    assert 'value="approve"' in second.get(url).content.decode()
    # ... and a forged one is refused on the page, not with a 500.
    refused = officer.post(url, {"action": "approve", "proposal": proposal.pk}, follow=True)
    assert refused.status_code == 200 and "other than the proposer" in refused.content.decode()
    assert second.post(url, {"action": "approve", "proposal": proposal.pk}).status_code == 302
    assert 'value="authorise"' not in second.get(url).content.decode()  # approver: not twice
    assert 'value="authorise"' in boss.get(url).content.decode()
    assert boss.post(url, {"action": "authorise", "proposal": proposal.pk}).status_code == 302
    back_to(proposal)  # authorised in 2023, paid at the 2023 rates
    # A payment on a day without a rate: named, and what was typed is kept.
    pay = {
        "action": "pay",
        "proposal": proposal.pk,
        "beneficiary": money.case.number,
        "method": "bank_transfer",
        "reference": "REF-77",
        "paid_on": "2023-09-05",
    }
    missing = officer.post(url, pay).content.decode()
    assert "No exchange rate" in missing and 'value="REF-77"' in missing
    rates = second.post(  # the payer never imports the rate he pays at
        "/rewards/rates/",
        {"text": "date,currency,rate\n2023-09-05,UAH,36.5686\n2023-09-05,EUR,0.926\n"},
    )
    assert rates.status_code == 302 and Rate.objects.count() == 2
    assert officer.post(url, pay).status_code == 302
    html = officer.get(url).content.decode()
    assert "18284300.00" in html and "463000.00" in html and "REF-77" in html
    report = boss.get("/rewards/report.csv")
    body = report.content.decode()
    assert body.splitlines()[0] == "category,status,month,count,amount_usd"
    assert "combat_helicopter,paid," in body and "500000.00" in body
    assert money.case.number not in body and "REF-77" not in body and "Mi-8" not in body
    assert Event.objects.filter(action="rewards_report_exported").exists()
    boss.cookies["corridor_language"] = "uk"
    page = boss.get("/rewards/report/").content.decode()
    assert "Виплачено" in page and "Бойовий гелікоптер" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"model": ""}, "This field is required"),
        ({"handed_over_on": "вчера"}, "Give a date"),
        ({"handed_over_on": "2022-03-01"}, "No reward schedule"),
        ({"case_number": "C-0000-9999"}, "No case with this number"),
        ({"category": "spaceship"}, "Select a valid choice"),
    ],
)
def test_bad_equipment_input_is_named_and_kept(money, clients, changes, message):
    response = clients["officer"].post("/rewards/", _item_form(money, **changes))
    html = response.content.decode()
    assert response.status_code == 200 and message in html
    assert "борт 00" in html  # nothing typed is lost
    assert not EquipmentItem.objects.exists()


def test_a_bad_amount_and_bad_shares_are_named(money, clients):
    clients["officer"].post("/rewards/", _item_form(money, category="mlrs", model="BM-21"))
    url = f"/rewards/items/{EquipmentItem.objects.get().pk}/"
    html = (
        clients["officer"]
        .post(url, {"action": "propose", "amount": "40000", "reason": "x"})
        .content.decode()
    )
    assert "between 25000 and 35000" in html and 'value="40000"' in html
    html = (
        clients["officer"]
        .post(url, {"action": "propose", "amount": "30000", "reason": ""})
        .content.decode()
    )
    assert "below the top of the range" in html
    html = (
        clients["officer"]
        .post(url, {"action": "shares", "shares": f"{money.case.number} 60"})
        .content.decode()
    )
    assert "not exactly 100" in html
    html = clients["officer"].post(url, {"action": "shares", "shares": "garbage"}).content.decode()
    assert "case number, a space, percent" in html
    assert not Proposal.objects.exists()


def test_a_bad_rates_file_imports_nothing_and_names_each_line(money, clients):
    text = "date,currency,rate\n2023-09-05,UAH,36.5\n2023-13-01,UAH,36\n2023-09-06,XX,1\n"
    html = clients["officer"].post("/rewards/rates/", {"text": text}).content.decode()
    assert "Nothing was imported" in html and "Line 3" in html and "Line 4" in html
    assert not Rate.objects.exists()
    html = clients["officer"].post("/rewards/rates/", {}).content.decode()
    assert "Choose a file or paste the lines" in html


def test_a_photo_is_sealed_and_served_only_decrypted(money, clients, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    clients["officer"].post("/rewards/", _item_form(money))
    item = EquipmentItem.objects.get()
    url = f"/rewards/items/{item.pk}/"
    jpeg = b"\xff\xd8\xff\xe0" + b"PHOTO-CANARY" * 100
    upload = SimpleUploadedFile("borisov_mi8.jpg", jpeg, content_type="image/jpeg")
    assert clients["officer"].post(url, {"action": "photo", "photo": upload}).status_code == 302
    on_disk = b"".join(p.read_bytes() for p in (tmp_path / "vault").iterdir())
    assert b"PHOTO-CANARY" not in on_disk and b"borisov" not in on_disk
    photo = item.photos.get()
    served = clients["officer"].get(f"{url}photos/{photo.pk}/")
    assert served.content == jpeg and served["Cache-Control"] == "no-store"
    text = SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")
    html = clients["officer"].post(url, {"action": "photo", "photo": text}).content.decode()
    assert "JPEG, PNG or WebP" in html


@pytest.mark.parametrize("role", ["operator", "field_liaison", "case_officer"])
def test_an_operator_or_liaison_opens_no_reward_page(money, clients, role):
    clients["officer"].post("/rewards/", _item_form(money))
    item = EquipmentItem.objects.get()
    client = money.programme.staff.client(money.programme.users[role])
    for url in (
        "/rewards/",
        f"/rewards/items/{item.pk}/",
        "/rewards/rates/",
        "/rewards/report/",
        "/rewards/report.csv",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/rewards/items/{item.pk}/", {"action": "approve"}).status_code == 404


def test_a_supervisor_sees_the_report_but_not_another_teams_items(money, clients):
    html = clients["boss"].get("/rewards/report/").content.decode()
    assert "Nothing to report yet" in html
    assert clients["boss"].get("/rewards/rates/").status_code == 404
    assert Entry.objects.count() == 0


def test_forged_form_values_get_a_404_or_a_message_never_a_500(money, clients):
    clients["officer"].post("/rewards/", _item_form(money))
    url = f"/rewards/items/{EquipmentItem.objects.get().pk}/"
    officer = clients["officer"]
    assert officer.post(url, {"action": "approve", "proposal": "not-a-uuid"}).status_code == 404
    assert officer.post(url, {"action": "approve"}).status_code == 404
    assert officer.post(url, {"action": "explode"}).status_code == 404
    assert officer.post(url, {"action": "reverse", "entry": "x", "reason": "y"}).status_code == 200
    assert (
        officer.post(url, {"action": "reverse", "entry": "999", "reason": "y"}).status_code == 404
    )
    html = officer.post(url, {"action": "propose", "amount": "NaN"}).content.decode()
    assert "Give an amount in US dollars" in html


def test_an_oversized_rates_cell_on_the_page_is_named_not_a_500(money, clients):
    text = "date,currency,rate\n2023-09-05,UAH," + "1" * 150_000 + "\n"
    response = clients["second"].post("/rewards/rates/", {"text": text})
    assert response.status_code == 200 and "Line 2" in response.content.decode()
    assert not Rate.objects.exists()


def test_odd_ids_and_values_on_the_item_page_are_never_a_500(money, clients):
    officer = clients["officer"]
    assert officer.post("/rewards/", _item_form(money)).status_code == 302
    url = f"/rewards/items/{EquipmentItem.objects.get().pk}/"
    for data in (
        {"action": "reverse", "entry": "9" * 40, "reason": "y"},
        {"action": "reverse", "entry": "-1", "reason": "y"},
        {"action": "approve", "proposal": "not-a-uuid"},
        {
            "action": "pay",
            "proposal": "\u202e",
            "beneficiary": "x",
            "method": "cash",
            "reference": "\x00",
            "paid_on": "9999-99-99",
        },
        {"action": "propose", "amount": "NaN", "reason": "\U0001f4b0" * 10},
        {"action": "shares", "shares": f"{money.case.number} 1e-30"},
        {"action": "\x00"},
    ):
        assert officer.post(url, data).status_code in (200, 302, 404), data
    assert officer.get("/rewards/items/00000000-0000-0000-0000-000000000000/").status_code == 404
