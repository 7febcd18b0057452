"""Who can read what: the one table of compartments and their recipients for all of Corridor.

Every compartment is also sealed to the escrow key. In a restricted case every compartment but
the escort task goes to the case's named users plus escrow only (and, for correspondence, the
applicant, who must still read his own messages). Team recipients are *all* teams of the kinds
listed, each through its active key version. Reading this table is how a reviewer learns that
a field liaison's or finance officer's keys open nothing of identity.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from accounts.models import Team

IDENTITY = "identity"
CORRESPONDENCE = "correspondence"
PLAN = "plan"
ESCORT = "escort"
REWARD = "reward"
FAMILY = "family"


@dataclass(frozen=True)
class Rule:
    team_kinds: frozenset[str] = frozenset()
    applicant: bool = False  # sealed to the applicant's codename-derived key too
    field_unit: bool = False  # sealed to the one field unit named when sealing
    follows_restriction: bool = True  # in a restricted case: named users instead of teams
    label: object = ""  # translated lazily


POLICY: dict[str, Rule] = {
    # answers to the questionnaire, internal notes
    IDENTITY: Rule(frozenset({Team.Kind.INTAKE, Team.Kind.PLANNING}), label=_("identity")),
    # messages both ways and the recognition phrase
    CORRESPONDENCE: Rule(
        frozenset({Team.Kind.INTAKE, Team.Kind.PLANNING}), applicant=True, label=_("correspondence")
    ),
    # the exit plan
    PLAN: Rule(frozenset({Team.Kind.PLANNING}), label=_("plan")),
    # point, window, signals, head count: the responsible field unit only; every copy,
    # escrow's included, is deleted when the task ends (records.end_escort_task)
    ESCORT: Rule(field_unit=True, follows_restriction=False, label=_("escort task")),
    # equipment and payment details; the beneficiary only by reference
    REWARD: Rule(frozenset({Team.Kind.FINANCE}), label=_("reward")),
    # relatives and new-identity data
    FAMILY: Rule(frozenset({Team.Kind.PLANNING}), label=_("family")),
}

COMPARTMENTS = tuple(POLICY)

# Workflow metadata that stays in clear for ordinary cases but, in a restricted case, must be
# sealed instead: a combat helicopter, $500,000 and a month name identify one man (DESIGN.md).
# The rewards and reception apps store these only through ``metadata_in_clear``.
RESTRICTED_METADATA = ("equipment_category", "reward_amount", "outcome", "dates")


def metadata_in_clear(case, field: str) -> bool:
    """May ``field`` of ``case`` be stored as plain workflow metadata? Never for restricted."""
    if field not in RESTRICTED_METADATA:
        raise ValueError(f"{field} is not restricted metadata")
    return not case.restricted
