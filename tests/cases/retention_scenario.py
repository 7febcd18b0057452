"""Run by test_retention.py in its own process against the SQLite file named by DATABASE_URL.

build FILE   migrate; a portal case with canary answers, blind indexes, a codename, an
             attachment, a Telegram chat and a waiting outbox row, relatives (one linked to
             his mother's hotline case, which lists him as her relative), custody, a POW
             registration, a hospital admission with its capture card, a consent with a
             photo, an enquiry on it and one on the mother's case that matched it, an
             outcome with a guarantee (tests/cases/retention_family.py); closed 1,000 days
             ago; what the scan needs (codename, passwords, case ids) goes to FILE
scan FILE    try every way to open what the database and media folder hold about it, with
             the whole key directory, the escrow key rebuilt from its shares, the staff
             members' passwords and the codename; print JSON of what opened, which family
             and reception rows still point at a record or a link of it, and, as the control
             that the keys still work, how many of the mother's records opened
"""

import io
import json
import os
import sys
from datetime import timedelta
from pathlib import Path

import django

CANARY = "Retention-canary-Кузьминов-4R8"
OTHER = "Kept-canary-мать-7Q2"  # in the mother's case, which the purge keeps
CHAT_ID = 777000111


def build(path: str) -> None:
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    call_command("migrate", verbosity=0, skip_checks=True)
    from accounts import actions
    from accounts.models import Team
    from cases.models import Case
    from cases.numbering import next_case_number
    from corridor import outbox
    from intake import service
    from intake.questionnaire import current
    from telegram_bot.models import CaseChat, Chat
    from tests.cases.retention_family import add_family_and_reception
    from vault import attachments, possession, records, teams
    from vault import staff as staff_keys
    from vault import telegram as vault_telegram
    from vault.policy import IDENTITY

    intake = Team.objects.create(name="Intake", kind=Team.Kind.INTAKE)
    planning = Team.objects.create(name="Planning", kind=Team.Kind.PLANNING)
    user, password = actions.create_staff_user(
        actor=None, username="op", roles=["operator"], teams=[intake]
    )
    officer, officer_password = actions.create_staff_user(
        actor=None, username="officer", roles=["case_officer"], teams=[intake, planning]
    )
    teams.create_first_key(intake, holders=[user, officer])
    teams.create_first_key(planning, holders=[officer])
    answers = {"who": "serviceman", "name": CANARY, "situation": "not_deployed"}
    submission = service.submit(current(), answers, channel="portal", language="ru")
    case = submission.case
    Case.objects.filter(pk=case.pk).update(team=intake, status=Case.Status.IN_PROGRESS)
    case.refresh_from_db()
    contact = Case.objects.create(
        number=next_case_number(), team=intake, channel=Case.Channel.HOTLINE
    )
    private = staff_keys.unlock(officer, officer_password)
    possession.bind(officer, lambda: private)

    def opener(record):
        return records.decrypt(record, records.data_key(officer, private, record))

    add_family_and_reception(case, contact, officer, canary=CANARY, other=OTHER, opener=opener)
    attachments.seal_file(
        case,
        IDENTITY,
        io.BytesIO((CANARY + "\n").encode() * 1000),
        filename=CANARY + ".txt",
        content_type="text/plain",
    )
    with transaction.atomic():
        lookup = vault_telegram.chat_lookup(CHAT_ID)
        state = vault_telegram.seal_state(CHAT_ID, lookup, {"case": str(case.pk)})
        Chat.objects.create(lookup=lookup, state=state, has_case=True)
        CaseChat.objects.create(case=case, sealed_chat=vault_telegram.seal_chat(CHAT_ID))
        outbox.enqueue("applicant_write", case=str(case.pk), text=CANARY)
        outbox.enqueue("telegram_delete", chat=CHAT_ID, ids=[5, 6])
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.CLOSED, status_changed_at=timezone.now() - timedelta(days=1000)
    )
    with open(path, "w", encoding="utf-8") as out:
        json.dump(
            {
                "codename": submission.codename,
                "password": password,
                "officer_password": officer_password,
                "case": str(case.pk),
            },
            out,
        )


def scan(path: str) -> None:
    from django.conf import settings
    from django_tasks_db.models import DBTaskResult

    from accounts.models import User
    from family.models import Relative
    from reception import models as reception
    from telegram_bot.models import Chat
    from vault import codenames, crypto, escrow, records
    from vault import staff as staff_keys
    from vault import telegram as vault_telegram
    from vault.delivery import open_for_worker
    from vault.models import Record, RecordKey

    given = json.load(open(path, encoding="utf-8"))
    escrow_private = escrow.combine(given["shares"][:3])
    case_id = given["case"]
    opened, kept = [], 0

    def found(record, values) -> None:
        nonlocal kept
        text = json.dumps(values, ensure_ascii=False)
        if str(record.case_id) == case_id:
            opened.append(text)
        elif OTHER in text:
            kept += 1

    for row in RecordKey.objects.filter(kind=RecordKey.Kind.ESCROW).select_related("record"):
        dek = crypto.unseal(escrow_private, bytes(row.sealed_dek))
        found(row.record, records.decrypt(row.record, dek))
    for name, key in (("op", "password"), ("officer", "officer_password")):
        user = User.objects.get(username=name)
        private = staff_keys.unlock(user, given[key])
        for record in Record.objects.all():
            try:
                found(record, records.open_values(user, private, record))
            except records.NoAccess:
                pass
    for row in DBTaskResult.objects.all():
        for token in row.args_kwargs.get("args", []):
            opened.append(json.dumps(open_for_worker(token), ensure_ascii=False))
    lookup = vault_telegram.chat_lookup(CHAT_ID)
    for chat in Chat.objects.filter(lookup=lookup):
        opened.append(json.dumps(vault_telegram.open_state(CHAT_ID, lookup, bytes(chat.state))))
    found = codenames.lookup(codenames.parse(given["codename"])).case
    media = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    clear = [str(p) for p in media if CANARY.encode() in p.read_bytes()]
    # Family and reception rows that still point at something of the case: a record, a link
    # from another case, a row that exists only for the person's data.
    pointing = {
        "relatives": Relative.objects.filter(case_id=case_id)
        .exclude(record=None, failure_record=None, own_case=None)
        .count(),
        "linked": Relative.objects.filter(own_case_id=case_id).count(),
        **{
            model.__name__: model.objects.filter(case_id=case_id, record__isnull=False).count()
            for model in (
                reception.Custody,
                reception.Registration,
                reception.CustodyEvent,
                reception.MediaConsent,
                reception.Media,
                reception.Enquiry,
                reception.Outcome,
                reception.Guarantee,
            )
        },
        "cards": reception.CaptureCard.objects.filter(case_id=case_id).count(),
    }
    print(
        json.dumps(
            {
                "opened": opened,
                "codename_case": found.number if found else None,
                "files": len(media),
                "clear_in_media": clear,
                "pointing": pointing,
                "kept": kept,
            }
        )
    )


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "corridor.settings")
    django.setup()
    {"build": build, "scan": scan}[sys.argv[1]](sys.argv[2])
