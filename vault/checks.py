"""System checks: no start without keys, and never with an escrow private key on disk."""

from django.core.checks import Error, Tags, register

from vault import keys


# A deploy check, so that `migrate` runs before the first `keys init` (which writes an audit
# event); serving is refused by require_keys, which corridor/wsgi.py calls for gunicorn and
# runserver alike.
@register(Tags.security, deploy=True)
def key_directory(app_configs, **kwargs) -> list[Error]:
    return [Error(problem, id="vault.E001") for problem in keys.problems()]


def require_keys() -> None:
    """Refuse to serve: called by corridor/wsgi.py before the application loads."""
    found = keys.problems()
    if found:
        raise SystemExit("Corridor refuses to start: " + "; ".join(found))
