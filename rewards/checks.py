"""System check: the programme's reward schedules load, and one is in force today (the portal's
reward page and every new assessment need it). A broken file stops the server at start, naming
the file, line and reason, instead of failing on a page."""

from django.core.checks import Error, register


@register()
def reward_schedules(app_configs, **kwargs) -> list[Error]:
    from rewards import schedules

    folder = schedules.directory()
    if not folder.is_dir():
        return [Error(f"{folder}: no reward schedule folder", id="rewards.E001")]
    loaded, problems = schedules.check_all(folder)
    errors = [
        Error(f"{path.name}:{line}: {reason}", id="rewards.E002")
        for path, found in problems.items()
        for line, reason in found
    ]
    if not errors:
        try:
            schedules.current()
        except schedules.NoSchedule:
            errors.append(Error(f"{folder}: no reward schedule in force today", id="rewards.E003"))
    return errors
