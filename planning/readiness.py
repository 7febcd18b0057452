"""What scheduling an exit needs from planning (cases/states.py names these preconditions).

``plan_has_point_and_window``: a released (second-person approved) operational instruction of
the case's current plan version, and an escort task for the responsible field unit.
``family_is_safe``: until the family app records relatives, only a plan that does not require
the family to be moved first passes; "family first" is on by default, so this refuses by
default.
"""

from django.utils.translation import gettext as _

from planning.models import Plan


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
    plan = Plan.objects.filter(case=case).only("family_first").first()
    if plan is None or plan.family_first:
        return _("The family's relocation cannot be confirmed yet.")
    return None
