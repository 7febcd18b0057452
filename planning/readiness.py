"""What scheduling an exit needs from planning (cases/states.py names these preconditions).

``plan_has_point_and_window``: a released (second-person approved) operational instruction of
the case's current plan version, and an escort task for the responsible field unit.
``family_is_safe``: a plan with "family first" (on by default, and forced on by a family-first
procedure) needs every relative listed in the family app safe (family/relatives.py: none
listed or a failed relocation refuses too).
"""

from django.utils.translation import gettext as _


def escort_task_ready(case) -> bool:
    """An active escort task of the current plan exists for its field unit, with its keys."""
    from planning.escort import ready

    return ready(case)


def plan_blocker(case) -> str | None:
    from planning.instructions import released_for_current_plan

    if released_for_current_plan(case) is None:
        return _("There is no approved instruction with a point and a window yet.")
    if not escort_task_ready(case):
        return _("There is no escort task for the field unit yet.")
    return None


def family_blocker(case) -> str | None:
    from family.relatives import blocker

    return blocker(case)
