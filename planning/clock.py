"""Timestamps planning keeps in clear: a restricted case keeps only the year, like the case's
own dates (vault.records.restrict), because a date narrows who a restricted case is."""

from datetime import datetime

from django.utils import timezone

from vault.records import year_start


def stamp(case) -> datetime:
    """Now, or only the start of the case's year for a restricted case."""
    return year_start(case.created_at) if case.restricted else timezone.now()
