"""Family and reception rows on a case about to be purged (tests/cases/test_retention.py and
its real-database scenario): everything those apps can leave about a person, each with the
canary in a sealed value, and the links from and to another case (a relative's own contact).
Plain functions without fixtures, so the scenario's own process can run them too."""

from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

PHOTO = b"\xff\xd8\xff\xe0"


def custody_values(canary: str) -> dict:
    return {
        "taken_at": timezone.now().replace(microsecond=0) - timedelta(hours=2),
        "place": f"позиция у водонапорной башни {canary}",
        "receiving_unit": "92 ОМБр",
        "health": "slightly_wounded",
        "medical_note": canary,
        "property": "мобильный телефон",
        "receipt_number": "R-0042",
    }


def registration_values(canary: str) -> dict:
    return {
        "surname": "Кузьминов",
        "first_names": "Иван Петрович",
        "rank": "рядовой",
        "date_of_birth": date(1994, 3, 17),
        "service_number": "АБ-123456",
        "father_first_name": "Пётр",
        "mother_maiden_name": "",
        "place_of_birth": canary,
        "power": "Российская Федерация",
        "unit": "",
        "next_of_kin": "",
        "mail_address": "",
        "health_note": "",
        "no_coercion": True,
    }


def relative_values(canary: str) -> dict:
    return {
        "relation": "spouse",
        "name": "Ольга Кузьминова",
        "location": "Ростов-на-Дону",
        "contact": "+7 999 111-22-33",
        "needs": canary,
    }


def add_family_and_reception(case, contact, officer, *, canary: str, other: str, opener) -> None:
    """On ``case`` (in progress; ``officer`` holds it and ``contact``, a relative's own
    hotline case, and opens their family and identity parts): two relatives, one linked to
    ``contact``, and on ``contact`` a relative linked back to ``case``; custody, a POW
    registration, a hospital admission with its capture-card task, a photo consent and a photo,
    an enquiry recorded on ``case`` and one on ``contact`` that matches ``case`` and is
    answered "registered"; an outcome and a guarantee. ``canary`` is in a sealed value of each
    row of ``case``, ``other`` in those of ``contact`` (which the purge of ``case`` keeps).
    ``opener(record)`` opens a record with the officer's keys. The caller moves the case to its
    final status."""
    from cases.models import Case
    from family import links, relatives
    from reception import custody, enquiries, media, outcomes

    wife = relatives.add(case, relative_values(canary), actor=officer)
    relatives.add(case, {**relative_values(canary), "relation": "child"}, actor=officer)
    links.link_own_case(wife, contact.number, actor=officer)
    husband = relatives.add(contact, {**relative_values(other), "name": "Иван"}, actor=officer)
    links.link_own_case(husband, case.number, actor=officer)

    custody.record_custody(case, custody_values(canary), actor=officer)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.RECEIVED)
    case.refresh_from_db()
    custody.register_pow(case, registration_values(canary), actor=officer)
    custody.record_event(
        case,
        "hospital",
        {
            "occurred_at": timezone.now().replace(microsecond=0) - timedelta(hours=1),
            "place": "госпиталь",
            "health": "sick",
            "note": canary,
        },
        actor=officer,
    )
    values = {"photo": True, "video": False, "purpose": canary, "statement": "устно"}
    media.record_consent(case, values, actor=officer)
    photo = SimpleUploadedFile("face.jpg", PHOTO + canary.encode() * 50, "image/jpeg")
    media.add_media(case, photo, kind="photo", actor=officer)
    outcomes.record_outcome(case, "stay", actor=officer)
    outcomes.promise(case, "secrecy", actor=officer)

    sought = {
        "requester_name": "Мария Кузьминова",
        "relation": "мать",
        "requester_contact": "+7 900 000 00 00",
        "surname": "Kuzminov",
        "first_names": "Ivan Petrovich",
        "date_of_birth": date(1994, 3, 17),
        "service_number": "",
        "marks": other,
    }
    asked = enquiries.record_enquiry(contact, sought, actor=officer)
    enquiries.answer_enquiry(asked, "registered", actor=officer, opener=opener)
    brother = {**sought, "surname": "Неизвестный", "service_number": "ZZ-999", "marks": canary}
    enquiries.record_enquiry(case, brother, actor=officer)
