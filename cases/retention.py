"""Retention and crypto-shredding (DESIGN.md, "Crypto-shredding"; issue 22, point 6).

The programme says, in ``programmes/<programme>/retention.yaml``, how many days after its status
changed a closed, rejected or withdrawn case keeps its personal data. ``corridor purge`` (daily:
deploy/systemd/corridor-purge.timer) then shreds every case that is due:

* every sealed record of the case (its data keys, escrow's copy included, and its
  ciphertext; rows that point at a record go with it or lose the pointer), so nothing of the
  case opens with any key, escrow's included;
* its blind indexes and duplicate links, its applicant key (a codename of a purged case is
  then exactly an unknown codename) and its audit key (its sealed events stay in the chain,
  unreadable);
* its attachment files on disk, found by ``vault.StoredFile`` without any key;
* whatever the apps registered here (``register_purger``): planning's plans, instructions and
  escort tasks; the Telegram chat and reply address; family's relatives and links
  (family/retention.py); reception's events, capture cards, consents and media rows, and the
  records of what it keeps for counts (reception/retention.py); rewards will add its own;
* its rows in the outbox: their payloads are sealed to the workers' delivery key, so the
  purge runs where that key is (as the worker does) and opens each waiting row to find the
  case's; the handlers also refuse any work for a purged case (intake/tasks.py,
  telegram_bot/tasks.py), for a row queued while the purge ran.

What stays is the case row's aggregates (number, status, channel, team, flags, timestamps), so
dashboards and reports count as before; ``purged_at`` says when. One audit event per case,
``case_purged``, names the rule (status and days), nothing else.

A restricted case keeps only the year of its status change in clear: it is due a full year
after that year began, plus the rule's days (never earlier than the rule).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from audit.log import record as audit
from cases.models import Case, CaseLink

S = Case.Status
RULED = (S.CLOSED, S.REJECTED, S.WITHDRAWN)
MAX_DAYS = 100 * 366
# A restricted case's status change is known only to its year (vault.records.clear_time).
YEAR = timedelta(days=366)


class RetentionError(ValueError):
    """The retention settings are wrong; ``problems`` lists (line, reason) without values."""

    def __init__(self, problems: list[tuple[int, str]]):
        super().__init__("; ".join(f"line {line}: {reason}" for line, reason in problems))
        self.problems = problems


@dataclass(frozen=True)
class Rule:
    status: str
    days: int


def parse(text: str) -> dict[str, Rule]:
    """Rules from YAML text: ``closed``, ``rejected`` and ``withdrawn``, each a whole number of
    days (1 to 36,600). Every status must be given: a forgotten one would keep data forever."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise RetentionError([(mark.line + 1 if mark else 0, "not valid YAML")]) from None
    if not isinstance(data, dict):
        raise RetentionError([(1, "expected a mapping of status to days")])

    def line(key: str) -> int:
        for k, v in root.value:
            if k.value == key:
                return v.start_mark.line + 1
        return 1

    problems, rules = [], {}
    for key in data:
        if key not in RULED:
            problems.append((line(str(key)), f"unknown status {str(key)[:20]!r}"))
    for status in RULED:
        days = data.get(status)
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
            problems.append((line(status), f"{status}: a whole number of days, 1 to {MAX_DAYS}"))
        else:
            rules[status] = Rule(status, days)
    if problems:
        raise RetentionError(problems)
    return rules


def path() -> Path:
    return Path(settings.CORRIDOR_PROGRAMME_DIR) / "retention.yaml"


@cache
def rules() -> dict[str, Rule]:
    return parse(path().read_text(encoding="utf-8"))


# --- what apps add --------------------------------------------------------------------------

PURGERS: list[Callable[[Case], None]] = []


def register_purger(purger: Callable[[Case], None]) -> Callable[[Case], None]:
    """Add an app's cleanup, called with the case inside the purge's transaction before the
    case's records are deleted (so a row with a protected key to a record can go first).
    Call it from the app's ``AppConfig.ready``; it must delete, not read: it holds no key."""
    if purger not in PURGERS:
        PURGERS.append(purger)
    return purger


# --- which cases are due --------------------------------------------------------------------


def due(now: datetime | None = None):
    """Cases whose rule has run out, not yet purged, oldest change first."""
    now = now or timezone.now()
    condition = Q()
    for rule in rules().values():
        cutoff = now - timedelta(days=rule.days)
        condition |= Q(status=rule.status) & (
            Q(restricted=False, changed__lte=cutoff)
            | Q(restricted=True, changed__lte=cutoff - YEAR)
        )
    return (
        Case.objects.filter(purged_at=None)
        .annotate(changed=Coalesce(F("status_changed_at"), F("updated_at")))
        .filter(condition)
        .order_by("changed", "number")
    )


def listing(now: datetime | None = None) -> list[tuple[str, str, int]]:
    """(case number, status, days) of every case due: what ``--dry-run`` prints."""
    return [(c.number, c.status, rules()[c.status].days) for c in due(now)]


# --- shredding ------------------------------------------------------------------------------


def _delete_outbox_rows(case: Case, chat_id: int | None) -> int:
    """Delete waiting outbox rows about the case: opened with the delivery key, as the worker
    would. Raises vault.delivery.NoDeliveryKey on a host without it (the purge refuses)."""
    from django_tasks_db.models import DBTaskResult

    from vault.crypto import DecryptionFailed
    from vault.delivery import open_for_worker

    gone = []
    for pk, args in DBTaskResult.objects.values_list("pk", "args_kwargs").iterator():
        for token in (args or {}).get("args", []):
            try:
                payload = open_for_worker(token)
            except (DecryptionFailed, ValueError, TypeError):
                continue  # not a sealed payload (an emptied failed row): nothing of anyone
            about_case = payload.get("case") == str(case.pk)
            about_chat = chat_id is not None and payload.get("chat") == chat_id
            if about_case or about_chat:
                gone.append(pk)
    DBTaskResult.objects.filter(pk__in=gone).delete()
    return len(gone)


def chat_id_of(case: Case) -> int | None:
    """The case's Telegram chat id, opened with the delivery key (None without a chat)."""
    from telegram_bot.models import CaseChat
    from vault.telegram import open_chat

    row = CaseChat.objects.filter(case=case).first()
    return open_chat(row.sealed_chat) if row is not None else None


@transaction.atomic
def purge_case(case: Case, *, now: datetime | None = None) -> None:
    """Crypto-shred one case (see the module's docstring). Needs the delivery key."""
    from vault import attachments
    from vault.delivery import NoDeliveryKey
    from vault.keys import keyring
    from vault.models import ApplicantKey, BlindIndex, CaseAuditKey, StoredFile
    from vault.records import clear_time

    if keyring().delivery_private is None:
        raise NoDeliveryKey("purge runs where the workers' delivery key is")
    now = now or timezone.now()
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.purged_at is not None:
        return
    rule = rules()[case.status]
    # Written first: on a restricted case the event is sealed to its audit key, which goes below.
    audit(
        "case_purged",
        object_type="case",
        object_id=case,
        status=rule.status,
        days=rule.days,
    )
    chat_id = chat_id_of(case)
    _delete_outbox_rows(case, chat_id)
    for purger in PURGERS:
        purger(case)
    attachments.delete_case_files(case)
    StoredFile.objects.filter(case=case).delete()
    case.records.all().delete()  # every data key (escrow's too) and ciphertext; messages
    BlindIndex.objects.filter(case=case).delete()
    CaseLink.objects.filter(Q(case=case) | Q(other=case)).delete()
    ApplicantKey.objects.filter(case=case).delete()
    CaseAuditKey.objects.filter(case=case).delete()
    case.purged_at = clear_time(case, now)
    case.save(update_fields=["purged_at"])


def purge(now: datetime | None = None) -> list[str]:
    """Purge every case that is due, one transaction each; returns their numbers.

    Dialog state that cannot be tied to a case without the applicant's own secret goes by age
    on the same run: portal sessions (sealed under a key only the applicant's cookie holds;
    a live one of a purged case shows the empty inbox of an unknown codename) once expired,
    and Telegram dialogs that made no case (telegram_bot.chats.purge_abandoned)."""
    from intake import portal
    from telegram_bot import chats

    done = []
    for case in due(now):
        purge_case(case, now=now)
        done.append(case.number)
    portal.purge_expired()
    chats.purge_abandoned()
    return done
