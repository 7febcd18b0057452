"""The watch list: a supervisor adds a known provocation phone number, name or service number;
only its blind index is kept. New cases that match are flagged silently (intake/duplicates.py),
and so are existing ones when an entry is added."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from audit.log import record as audit
from cases import workflow
from cases.models import Case
from intake.models import WatchEntry
from vault import blind, possession
from vault.models import BlindIndex

KINDS = [
    ("phone", _("Phone number")),
    ("full_name", _("Name")),
    ("service_number", _("Service number")),
]


class BadEntry(ValueError):
    pass


class NoKeys(PermissionError):
    """The actor's session opens no team key: an account an admin made (a puppet supervisor)
    flags or unflags nothing until a member or escrow grants him a key."""


def may_keep(actor) -> bool:
    """Whether ``actor`` may change the watch list: the capability and a team key he holds."""
    return actor.has_perm("accounts.manage_watchlist") and bool(possession.teams_of(actor))


@transaction.atomic
def add(index: str, value: str, *, reference: str, actor) -> int:
    if not may_keep(actor):
        raise NoKeys("no team key held")
    if index not in dict(KINDS) or not value.strip():
        raise BadEntry("unknown kind or empty value")
    number = blind.blind_index(index, value)
    entry = WatchEntry.objects.create(
        index=index, value=number, reference=reference, added_by=actor
    )
    audit(
        "watchlist_added", actor=actor, object_type="watch_entry", object_id=entry.pk, index=index
    )
    matching = Case.objects.filter(
        pk__in=BlindIndex.objects.filter(name=index, value=number).values("case_id")
    )
    for case in matching:
        workflow.flag_watchlist(case, via=index)
    return matching.count()


@transaction.atomic
def remove(entry_id: int, *, actor) -> None:
    if not may_keep(actor):
        raise NoKeys("no team key held")
    deleted, _ = WatchEntry.objects.filter(pk=entry_id).delete()
    if deleted:
        audit("watchlist_removed", actor=actor, object_type="watch_entry", object_id=entry_id)
