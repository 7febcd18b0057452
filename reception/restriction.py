"""What restricting a case does to its reception rows (called by cases.restriction.coarsen,
inside vault.records.restrict): every date column of every reception row about the case is cut
to its year, as if it had been written about a restricted case; the true times are returned
for ``restrict`` to seal. The true custody, event and registration times are also inside the
rows' own sealed records."""

from datetime import timedelta

from django.apps import apps
from django.db import models

from reception.custody import CARD_DAYS
from vault.records import year_start


def _dated(model) -> list[str]:
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.DateTimeField | models.DateField)
    ]


def coarsen(case) -> dict:
    true: dict = {}
    for model in apps.get_app_config("reception").get_models():
        names = _dated(model)
        if not names:
            continue
        for row in model.objects.filter(case=case):
            true.setdefault(model.__name__, {})[str(row.pk)] = {
                name: getattr(row, name) and getattr(row, name).isoformat() for name in names
            }
            for name in names:
                value = getattr(row, name)
                if model.__name__ == "CaptureCard" and name == "due_at" and value:
                    # The year of what started the card, not of its deadline: a due date in
                    # January would tell a custody or event in the last week of December.
                    value -= timedelta(days=CARD_DAYS)
                setattr(row, name, value and year_start(value))
            row.save(update_fields=names)
    return true
