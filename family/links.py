"""The other direction of a relative: the case he opened himself through intake (an applicant
can be a relative), linked by someone who holds both cases and shown without revealing a case
outside the viewer's scope (as cases/links.py does for possible duplicates).

    link_own_case(relative, number, *, actor)    audited on both cases (restricted: its side)
    unlink_own_case(relative, *, actor)
    own_case_shown(user, relative)               -> (case he holds | None, hint of another)
    relative_in(user, case)                      -> cases listing this applicant as a relative
"""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.log import record as audit
from cases import access
from cases.access import holds
from cases.models import Case
from cases.states import PURGED, TransitionRefused
from family.models import Relative
from family.relatives import can_view, clear_now, lock_for_change
from vault.records import year_start

NOT_IN_SCOPE = gettext_lazy("None of the cases you hold has this number.")


@transaction.atomic
def link_own_case(relative: Relative, number: str, *, actor) -> Relative:
    """Link the case the relative opened himself (through intake) to this relative. The actor
    must hold both cases; a number outside his scope gets the same answer as one that does
    not exist, so this is no oracle for case numbers. Audited on both cases."""
    case, relative = lock_for_change(relative, actor)
    number = (number or "").strip()[:32]
    other = access.visible_cases(actor).filter(number=number).first() if number else None
    if other is None or not holds(actor, other):
        raise TransitionRefused(NOT_IN_SCOPE)
    if other.purged_at is not None:  # the purge cut every link to it; none is made again
        raise TransitionRefused(PURGED)
    if other.pk == case.pk:
        raise TransitionRefused(_("Give the case the relative opened himself, not this one."))
    if Relative.objects.filter(case=case, own_case=other).exclude(pk=relative.pk).exists():
        raise TransitionRefused(_("Another relative of this case is linked to that case."))
    relative.own_case = other
    relative.updated_at = clear_now(case, relative)
    if other.restricted:  # the link dates the restricted case too: years only from now on
        relative.created_at = year_start(relative.created_at)
    relative.save(update_fields=["own_case", "updated_at", "created_at"])
    # Both cases' timelines show the link (literal names: tests/cases/test_timeline_labels.py),
    # except the side of an unrestricted case linked with a restricted one (_told).
    if _told(case, other):
        audit(
            "relative_case_linked",
            actor=actor,
            object_type="case",
            object_id=case,
            relative=str(relative.pk),
        )
    if _told(other, case):
        audit(
            "linked_as_relative",
            actor=actor,
            object_type="case",
            object_id=other,
            relative=str(relative.pk),
        )
    return relative


def _told(side: Case, far: Case) -> bool:
    """Whether ``side``'s timeline gets the event of a link with ``far``: not when only ``far``
    is restricted. The restricted side's event (sealed) records it; one on the other side, at
    its true time, would tell that case's readers that a case they may not see exists and date
    it (as cases/workflow.py ``link_possible_duplicate`` does)."""
    return side.restricted or not far.restricted


@transaction.atomic
def unlink_own_case(relative: Relative, *, actor) -> Relative:
    case, relative = lock_for_change(relative, actor)
    other = relative.own_case
    if other is None:
        return relative
    relative.updated_at = clear_now(case, relative)  # still dated as linked to ``other``
    relative.own_case = None
    relative.save(update_fields=["own_case", "updated_at"])
    if _told(case, other):
        audit(
            "relative_case_unlinked",
            actor=actor,
            object_type="case",
            object_id=case,
            relative=str(relative.pk),
        )
    if _told(other, case):
        audit(
            "unlinked_as_relative",
            actor=actor,
            object_type="case",
            object_id=other,
            relative=str(relative.pk),
        )
    return relative


def own_case_shown(user, relative: Relative) -> tuple[Case | None, bool]:
    """(the relative's own case if the user holds it, whether one lies outside his scope). A
    restricted case he does not hold is not even hinted at (cases/links.py)."""
    other = relative.own_case
    if other is None:
        return None, False
    if holds(user, other):
        return other, False
    return None, not other.restricted


def relative_in(user, case: Case) -> list[Case]:
    """The cases that list ``case``'s applicant as a relative and that the user may see the
    family part of (the other direction of the link)."""
    found = Relative.objects.filter(own_case=case).select_related("case").order_by("created_at")
    return [r.case for r in found if can_view(user, r.case)]
