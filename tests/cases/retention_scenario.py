"""Run by test_retention.py in its own process against the SQLite file named by DATABASE_URL.

build FILE   migrate; a portal case with canary answers, blind indexes, a codename, an
             attachment, a Telegram chat and a waiting outbox row; closed 1,000 days ago;
             what the scan needs (codename, password) goes to FILE
scan FILE    try every way to open what the database and media folder hold about it, with
             the whole key directory, the escrow key rebuilt from its shares, the staff
             member's password and the codename; print JSON of what opened
"""

import io
import json
import os
import sys
from datetime import timedelta
from pathlib import Path

import django

CANARY = "Retention-canary-Кузьминов-4R8"
CHAT_ID = 777000111


def build(path: str) -> None:
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    call_command("migrate", verbosity=0, skip_checks=True)
    from accounts import actions
    from accounts.models import Team
    from cases.models import Case
    from corridor import outbox
    from intake import service
    from intake.questionnaire import current
    from telegram_bot.models import CaseChat, Chat
    from vault import attachments, teams
    from vault import telegram as vault_telegram
    from vault.policy import IDENTITY

    intake = Team.objects.create(name="Intake", kind=Team.Kind.INTAKE)
    user, password = actions.create_staff_user(
        actor=None, username="op", roles=["operator"], teams=[intake]
    )
    teams.create_first_key(intake, holders=[user])
    answers = {"who": "serviceman", "name": CANARY, "situation": "not_deployed"}
    submission = service.submit(current(), answers, channel="portal", language="ru")
    case = submission.case
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
        json.dump({"codename": submission.codename, "password": password}, out)


def scan(path: str) -> None:
    from django.conf import settings
    from django_tasks_db.models import DBTaskResult

    from accounts.models import User
    from telegram_bot.models import Chat
    from vault import codenames, crypto, escrow, records
    from vault import staff as staff_keys
    from vault import telegram as vault_telegram
    from vault.delivery import open_for_worker
    from vault.models import Record, RecordKey

    given = json.load(open(path, encoding="utf-8"))
    escrow_private = escrow.combine(given["shares"][:3])
    user = User.objects.get(username="op")
    private = staff_keys.unlock(user, given["password"])
    opened = []
    for row in RecordKey.objects.filter(kind=RecordKey.Kind.ESCROW).select_related("record"):
        dek = crypto.unseal(escrow_private, bytes(row.sealed_dek))
        opened.append(json.dumps(records.decrypt(row.record, dek), ensure_ascii=False))
    for record in Record.objects.all():
        try:
            opened.append(
                json.dumps(records.open_values(user, private, record), ensure_ascii=False)
            )
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
    print(
        json.dumps(
            {
                "opened": opened,
                "codename_case": found.number if found else None,
                "files": len(media),
                "clear_in_media": clear,
            }
        )
    )


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "corridor.settings")
    django.setup()
    {"build": build, "scan": scan}[sys.argv[1]](sys.argv[2])
