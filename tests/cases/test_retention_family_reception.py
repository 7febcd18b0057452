"""Crypto-shredding of a case with relatives and a reception (issue 22: family, reception and
retention together): what the family and reception purgers delete, what they keep for counts,
what stays on the other case of a link or an enquiry, and that no page of a purged case fails."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import queues, retention
from cases.models import Case
from family.models import Relative
from reception import enquiries
from reception.models import (
    CaptureCard,
    Custody,
    CustodyEvent,
    Enquiry,
    Guarantee,
    Media,
    MediaConsent,
    Outcome,
    Registration,
)
from tests.cases.retention_family import add_family_and_reception
from tests.cases.retention_scenario import CANARY, OTHER
from tests.vault.conftest import make_case, private_of, unlocked
from vault import records
from vault.models import BlindIndex, Record, StoredFile
from vault.policy import IDENTITY

NOW = timezone.now()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def _opener(user):
    def opener(record):
        return records.decrypt(record, records.data_key(user, private_of(user), record))

    return opener


@pytest.fixture
def officer(programme):
    return unlocked(programme.users["case_officer"])


@pytest.fixture
def pair(programme, officer):
    """(the POW's case, closed 1,000 days ago and due; his mother's hotline case, open)."""
    case = make_case(programme.teams["intake"], status=Case.Status.IN_PROGRESS, language="ru")
    records.seal(case, IDENTITY, {"name": CANARY}, kind="answers")
    contact = make_case(programme.teams["intake"], channel=Case.Channel.HOTLINE)
    add_family_and_reception(
        case, contact, officer, canary=CANARY, other=OTHER, opener=_opener(officer)
    )
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.CLOSED, status_changed_at=NOW - timedelta(days=1000)
    )
    case.refresh_from_db()
    return case, contact


def _files(media) -> list:
    return [p for p in (media / "vault").iterdir() if p.is_file()]


def test_the_purge_shreds_family_and_reception_and_keeps_what_counts(
    programme, officer, pair, media
):
    case, contact = pair
    asked = Enquiry.objects.get(case=contact)
    # The control: the photo is on disk, the registration is indexed and the enquiry matches.
    assert len(_files(media)) == 1
    assert BlindIndex.objects.filter(case=case).exists()
    sought = _opener(officer)(asked.record)
    assert [c for c, _s in enquiries.matches(officer, _opener(officer), sought).confirmed] == [case]
    statuses = sorted(Relative.objects.filter(case=case).values_list("status", flat=True))

    assert retention.purge(NOW) == [case.number]

    assert not Record.objects.filter(case=case).exists()
    assert not BlindIndex.objects.filter(case=case).exists()
    assert _files(media) == [] and not StoredFile.objects.filter(case=case).exists()
    for model in (CustodyEvent, CaptureCard, MediaConsent, Media):
        assert not model.objects.filter(case=case).exists(), model.__name__
    # Kept for counts, pointing at nothing: relatives' statuses, custody, registration and the
    # status-only answers of enquiries recorded on the case.
    kept = Relative.objects.filter(case=case)
    assert sorted(kept.values_list("status", flat=True)) == statuses
    assert set(kept.values_list("record", "failure_record", "own_case")) == {(None, None, None)}
    for model in (Custody, Registration, Enquiry):
        assert list(model.objects.filter(case=case).values_list("record", flat=True)) == [None]
    # Outcome and guarantees: kinds only, no record (they hold no personal data).
    assert Outcome.objects.get(case=case).kind == "stay"
    assert list(Guarantee.objects.filter(case=case).values_list("kind", flat=True)) == ["secrecy"]
    # The mother's case keeps its own data: her relative row (no longer linked to the purged
    # case), her enquiry and its answer; nothing matches it any more.
    husband = Relative.objects.get(case=contact)
    assert husband.own_case is None and husband.record is not None
    asked.refresh_from_db()
    assert asked.record is not None and asked.answer == "registered"
    found = enquiries.matches(officer, _opener(officer), sought)
    assert found.confirmed == [] and not found.elsewhere
    # Nothing of it waits in a queue.
    assert case.number not in [
        c.number for c in queues.queue(officer, "overdue", NOW + timedelta(days=30))
    ]


def test_a_purged_restricted_case_keeps_no_outcome_kind(programme, pair):
    case, _contact = pair
    first = unlocked(programme.users["supervisor"])
    records.restrict(case, [first], actor=first, actor_private=private_of(first))
    case.refresh_from_db()
    later = case.status_changed_at + timedelta(days=366 + 731)
    assert retention.purge(later) == [case.number]
    outcome = Outcome.objects.get(case=case)
    assert (outcome.kind, outcome.record_id) == ("", None)
    assert (outcome.recorded_at.month, outcome.recorded_at.day) == (1, 1)
    for guarantee in Guarantee.objects.filter(case=case):
        assert (guarantee.kind, guarantee.record_id) == ("", None)
        assert (guarantee.created_at.month, guarantee.created_at.day) == (1, 1)
    assert not Relative.objects.filter(own_case=case).exists()
    # No key of it is left: every page of it is "not found" for everybody, never an error.
    for role in ("supervisor", "case_officer", "operator"):
        client = programme.staff.client(programme.users[role])
        for url in (
            f"/family/cases/{case.number}/",
            f"/reception/cases/{case.number}/",
            f"/reception/cases/{case.number}/outcome/",
            f"/reception/enquiries/{case.number}/",
            f"/reception/cases/{case.number}/bureau.json",
        ):
            assert client.get(url).status_code == 404, (role, url)


def _urls(case, ids) -> list[tuple[str, str, dict]]:
    n = case.number
    get = [
        f"/family/cases/{n}/",
        f"/family/cases/{n}/{ids['relative']}/",
        f"/reception/cases/{n}/",
        f"/reception/cases/{n}/outcome/",
        f"/reception/enquiries/{n}/",
        f"/reception/enquiries/{n}/{ids['enquiry']}/",
        f"/reception/cases/{n}/cards/{ids['card']}/card.pdf",
        f"/reception/cases/{n}/bureau.json",
        f"/reception/cases/{n}/bureau.csv",
        f"/reception/cases/{n}/media/{ids['media']}/",
    ]
    post = [
        (f"/family/cases/{n}/", {"relation": "spouse", "name": "Иван"}),
        (f"/family/cases/{n}/{ids['relative']}/", {"action": "step", "step": "contact"}),
        (f"/family/cases/{n}/{ids['relative']}/", {"action": "link", "number": "X"}),
        (f"/reception/cases/{n}/custody/", {"place": "Иван"}),
        (f"/reception/cases/{n}/register/", {"surname": "Иван"}),
        (f"/reception/cases/{n}/events/", {"kind": "sickness"}),
        (f"/reception/cases/{n}/cards/{ids['card']}/sent/", {}),
        (f"/reception/cases/{n}/consents/", {"photo": "on", "purpose": "x", "statement": "y"}),
        (f"/reception/cases/{n}/consents/{ids['consent']}/withdraw/", {}),
        (f"/reception/cases/{n}/media/{ids['media']}/delete/", {}),
        (f"/reception/cases/{n}/outcome/record/", {"kind": "stay"}),
        (f"/reception/cases/{n}/outcome/guarantees/", {"kind": "secrecy"}),
        (f"/reception/cases/{n}/outcome/guarantees/{ids['guarantee']}/done/", {}),
        (f"/reception/enquiries/{n}/", {"requester_name": "Мария", "relation": "мать",
                                        "surname": "Иванов", "first_names": "Иван",
                                        "service_number": "AB-1"}),
        (f"/reception/enquiries/{n}/{ids['enquiry']}/", {"answer": "no_record"}),
    ]  # fmt: skip
    return [("get", url, {}) for url in get] + [("post", url, data) for url, data in post]


def test_no_page_of_a_purged_case_fails(programme, pair):
    case, contact = pair
    ids = {
        "relative": Relative.objects.filter(case=case).first().pk,
        "enquiry": Enquiry.objects.get(case=case).pk,
        "card": CaptureCard.objects.filter(case=case).first().pk,
        "media": Media.objects.get(case=case).pk,
        "consent": MediaConsent.objects.get(case=case).pk,
        "guarantee": Guarantee.objects.get(case=case).pk,
        "asked": Enquiry.objects.get(case=contact).pk,
    }
    retention.purge(NOW)
    records_before = Record.objects.count()
    for role in ("operator", "case_officer", "supervisor"):
        client = programme.staff.client(programme.users[role])
        client.cookies["corridor_language"] = "en"
        for method, url, data in _urls(case, ids):
            page = getattr(client, method)(url, data)
            assert page.status_code in (200, 302, 404), (role, method, url, page.status_code)
            if page.status_code == 200:
                html = page.content.decode()
                assert "Personal data deleted on" in html, (role, url)
                assert CANARY not in html
        # The mother's case still shows its pages, without a link to the purged case.
        for url in (
            f"/cases/{contact.number}/",
            f"/family/cases/{contact.number}/",
            f"/reception/enquiries/{contact.number}/",
            f"/reception/enquiries/{contact.number}/{ids['asked']}/",
        ):
            page = client.get(url)
            assert page.status_code in (200, 404), (role, url)
            assert f"/cases/{case.number}/" not in page.content.decode(), (role, url)
    assert Record.objects.count() == records_before
    assert not Record.objects.filter(case=case).exists()
    # The main pages say so rather than "not found", for whoever may see them.
    client = programme.staff.client(programme.users["case_officer"])
    client.cookies["corridor_language"] = "en"
    for url in (
        f"/family/cases/{case.number}/",
        f"/reception/cases/{case.number}/",
        f"/reception/cases/{case.number}/outcome/",
        f"/reception/enquiries/{case.number}/",
    ):
        page = client.get(url)
        assert page.status_code == 200 and "Personal data deleted on" in page.content.decode()


def test_nothing_links_to_or_is_added_to_a_purged_case_again(programme, officer, pair):
    """The purge cut the mother's link to his case; linking it again, or listing a relative,
    recording an enquiry or a custody event on it, is refused with the reason, not a 500."""
    from cases.states import PURGED, TransitionRefused
    from family import links, relatives
    from reception import custody
    from tests.cases.retention_family import relative_values

    case, contact = pair
    retention.purge(NOW)
    case.refresh_from_db()
    husband = Relative.objects.get(case=contact)
    with pytest.raises(TransitionRefused) as refused:
        links.link_own_case(husband, case.number, actor=officer)
    assert refused.value.message == PURGED
    Case.objects.filter(pk=case.pk).update(status=Case.Status.WITHDRAWN)  # not frozen
    case.refresh_from_db()
    for attempt in (
        lambda: relatives.add(case, relative_values("x"), actor=officer),
        lambda: enquiries.record_enquiry(case, {"surname": "x"}, actor=officer),
        lambda: custody.record_event(case, "sickness", {}, actor=officer),
    ):
        with pytest.raises(TransitionRefused) as refused:
            attempt()
        assert refused.value.message == PURGED
    husband.refresh_from_db()
    assert husband.own_case is None and not Record.objects.filter(case=case).exists()


def test_purging_the_relatives_case_cuts_the_links_and_keeps_the_prisoners_data(
    programme, officer, pair
):
    """The other direction: the mother's own case is purged, his is not. Her enquiry and her
    relative row go; his relative row of her loses its link, and his records stay."""
    case, contact = pair
    Case.objects.filter(pk=case.pk).update(status=Case.Status.REGISTERED)
    Case.objects.filter(pk=contact.pk).update(
        status=Case.Status.WITHDRAWN, status_changed_at=NOW - timedelta(days=1000)
    )
    wife = Relative.objects.get(case=case, own_case=contact)
    assert retention.purge(NOW) == [contact.number]
    wife.refresh_from_db()
    assert wife.own_case is None and wife.record is not None
    assert not Record.objects.filter(case=contact).exists()
    assert list(Enquiry.objects.filter(case=contact).values_list("record", "answer")) == [
        (None, "registered")
    ]
    assert Registration.objects.get(case=case).record is not None
    assert BlindIndex.objects.filter(case=case).exists()
    assert Media.objects.filter(case=case).exists()
    client = programme.staff.client(programme.users["case_officer"])
    for url in (f"/cases/{case.number}/", f"/family/cases/{case.number}/"):
        page = client.get(url)
        assert page.status_code == 200 and f"/cases/{contact.number}/" not in page.content.decode()


def test_deleting_a_medium_deletes_its_file_row_too(programme, officer, pair, media):
    """A medium deleted by staff leaves no file-to-case row naming a file that is gone."""
    from reception import media as reception_media

    case, _contact = pair
    Case.objects.filter(pk=case.pk).update(status=Case.Status.REGISTERED)
    item = Media.objects.get(case=case)
    values = _opener(officer)(item.record)
    assert StoredFile.objects.filter(name=values["file"]).exists()
    reception_media.delete_media(item, actor=officer, values=values)
    assert not StoredFile.objects.filter(name=values["file"]).exists()
    assert _files(media) == []
