"""Sightings: a field liaison saw a soldier signalling surrender (a white cloth, a sign, arms
raised towards a drone). His report opens a field-initiated case for the planning team.

The rough position, head count and note locate a person, so they are sealed in the identity
compartment (intake and planning teams, escrow): the liaison can write them but not read them
back, and he never learns the case number.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from audit.log import record as audit
from cases import workflow
from cases.models import Case
from planning import points
from planning.escort import EscortRefused
from vault import records
from vault.policy import IDENTITY


class SightingRefused(EscortRefused):
    """The guard refused; ``message`` is safe to show."""


@transaction.atomic
def report_sighting(
    *, actor, position: tuple[float, float] | None, persons: int, note: str
) -> Case:
    if not actor.has_perm("accounts.report_sightings"):
        raise SightingRefused(_("Your role does not report sightings."))
    if workflow.planning_team() is None:
        raise SightingRefused(_("There is no planning team to receive the sighting."))
    case = workflow.open_field_case(actor=actor)
    values = {"sighting_persons": persons, "sighting_note": note.strip()[:1000]}
    if position is not None:
        values["sighting_position"] = points.both(*position)
    records.seal(case, IDENTITY, values, kind="sighting", actor=actor)
    audit("sighting_reported", actor=actor, object_type="case", object_id=case.number)
    return case
