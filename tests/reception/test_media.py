"""Art. 13: no publication path; a photo or video needs his recorded consent first; media are
sealed as encrypted attachments and downloaded only by staff whose keys open them, audited."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver

from audit.models import Event
from cases.states import TransitionRefused
from reception import media
from reception.models import Media
from tests.vault.conftest import private_of, unlocked
from vault import records
from vault.policy import IDENTITY

PHOTO = b"\xff\xd8\xff\xe0" + b"FACE-OF-THE-PRISONER" * 500


def _photo():
    return SimpleUploadedFile("lice.jpg", PHOTO, content_type="image/jpeg")


def _consent(case, officer, **changes):
    values = {"photo": True, "video": False, "purpose": "опознание семьёй через МККК",
              "statement": "устно, по-русски, в присутствии врача"}  # fmt: skip
    values.update(changes)
    return media.record_consent(case, values, actor=officer)


def test_it_refuses_a_photo_without_a_recorded_consent(programme, officer, received):
    with pytest.raises(TransitionRefused) as refused:
        media.add_media(received, _photo(), kind="photo", actor=officer)
    assert "consent" in str(refused.value.message) or "згод" in str(refused.value.message)
    assert not Media.objects.exists()
    _consent(received, officer)  # photos only
    with pytest.raises(TransitionRefused):
        media.add_media(
            received,
            SimpleUploadedFile("v.mp4", b"\x00" * 100, content_type="video/mp4"),
            kind="video",
            actor=officer,
        )


def test_a_withdrawn_consent_allows_no_more_media(programme, officer, received):
    consent = _consent(received, officer)
    media.add_media(received, _photo(), kind="photo", actor=officer)
    media.withdraw_consent(consent, actor=officer)
    with pytest.raises(TransitionRefused):
        media.add_media(received, _photo(), kind="photo", actor=officer)
    assert Event.objects.filter(action="media_consent_withdrawn").count() == 1


def test_a_photo_is_sealed_and_only_ciphertext_reaches_the_disk(programme, officer, received):
    _consent(received, officer)
    item = media.add_media(received, _photo(), kind="photo", actor=officer)
    assert item.record.compartment == IDENTITY and item.record.kind == "attachment"
    values = records.decrypt(
        item.record, records.data_key(officer, private_of(officer), item.record)
    )
    stored = Path(settings.MEDIA_ROOT) / "vault" / values["file"]
    assert b"FACE-OF-THE-PRISONER" not in stored.read_bytes()
    assert b"lice.jpg" not in bytes(item.record.ciphertext)
    liaison = unlocked(programme.users["field_liaison"])
    with pytest.raises(records.NoAccess):
        records.data_key(liaison, private_of(liaison), item.record)
    assert Event.objects.get(action="media_added").detail == {"kind": "photo"}


def test_a_file_that_is_not_of_the_chosen_kind_is_refused(programme, officer, received):
    _consent(received, officer)
    with pytest.raises(media.Invalid):
        media.add_media(
            received,
            SimpleUploadedFile("x.html", b"<script>", content_type="text/html"),
            kind="photo",
            actor=officer,
        )


def test_consent_needs_its_purpose_and_how_it_was_given(programme, officer, received):
    with pytest.raises(media.Invalid) as invalid:
        _consent(received, officer, photo=False, purpose="", statement=" ")
    assert set(invalid.value.errors) == {"photo", "purpose", "statement"}


def _routes(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.callback


def test_there_is_no_publication_path():
    """The portal (the only public site) serves nothing of reception; every reception URL is
    on the staff host behind login (tests/test_access_matrix.py walks them all)."""
    from intake import portal_urls

    for _route, view in _routes(portal_urls.urlpatterns):
        assert not view.__module__.startswith("reception")
    staff = [
        r for r, v in _routes(get_resolver().url_patterns) if v.__module__.startswith("reception")
    ]
    assert staff and all(r.startswith("reception/") for r in staff)


def test_the_photo_is_downloaded_only_by_the_officer_and_audited(programme, officer, received):
    _consent(received, officer)
    item = media.add_media(received, _photo(), kind="photo", actor=officer)
    url = f"/reception/cases/{received.number}/media/{item.pk}/"
    response = programme.staff.client(programme.users["case_officer"]).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PHOTO
    assert response["Content-Type"] == "application/octet-stream"
    assert (
        "attachment" in response["Content-Disposition"]
        and "lice" not in response["Content-Disposition"]
    )
    assert response["Cache-Control"] == "no-store"
    assert Event.objects.get(action="media_downloaded").detail == {"kind": "photo"}
    for role in ("operator", "supervisor", "field_liaison", "outsider"):
        unlocked(programme.users[role])
        assert programme.staff.client(programme.users[role]).get(url).status_code == 404


def test_the_upload_page_refuses_without_consent_and_seals_with_it(programme, received):
    client = programme.staff.client(programme.users["case_officer"])
    client.cookies["corridor_language"] = "en"
    url = f"/reception/cases/{received.number}/media/"
    response = client.post(url, {"kind": "photo", "file": _photo()}, follow=True)
    assert "needs his recorded consent first" in response.content.decode()
    assert not Media.objects.exists()
    client.post(
        f"/reception/cases/{received.number}/consents/",
        {"photo": "on", "purpose": "ICRC", "statement": "orally, in Russian"},
    )
    response = client.post(url, {"kind": "photo", "file": _photo()})
    assert response.status_code == 302 and Media.objects.count() == 1
    assert client.post(url, {"kind": "photo"}).status_code == 400  # no file: the form again


def test_deleting_a_photo_destroys_file_record_and_keys(programme, officer, received):
    _consent(received, officer)
    item = media.add_media(received, _photo(), kind="photo", actor=officer)
    values = records.decrypt(
        item.record, records.data_key(officer, private_of(officer), item.record)
    )
    stored = Path(settings.MEDIA_ROOT) / "vault" / values["file"]
    media.delete_media(item, actor=officer, values=values)
    assert not stored.exists() and not records.Record.objects.filter(pk=item.record_id).exists()


def test_the_case_page_shows_no_file_key_and_no_reception_record(programme, officer, received):
    _consent(received, officer)
    item = media.add_media(received, _photo(), kind="photo", actor=officer)
    values = records.decrypt(
        item.record, records.data_key(officer, private_of(officer), item.record)
    )
    for role in ("operator", "case_officer"):
        unlocked(programme.users[role])
        page = programme.staff.client(programme.users[role]).get(f"/cases/{received.number}/")
        text = page.content.decode()
        assert values["key"] not in text and values["file"] not in text and "lice.jpg" not in text
        assert "R-0042" not in text  # the custody record is shown on the reception page
        assert "Иван Сидоренко" in text  # the questionnaire answers still are
