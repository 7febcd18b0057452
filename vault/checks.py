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


@register(Tags.security)
def codename_lists(app_configs, **kwargs) -> list[Error]:
    """Every codename word list loads, and its codenames carry at least MIN_BITS."""
    from vault import codenames

    errors = []
    for language in codenames.LANGUAGES:
        try:
            listed = codenames.word_list(language)
        except (OSError, codenames.BadWordList) as problem:
            errors.append(Error(f"codename list {language}: {problem}", id="vault.E002"))
            continue
        if listed.bits < codenames.MIN_BITS:  # pragma: no cover - length is computed to avoid it
            errors.append(Error(f"codename list {language} is too short", id="vault.E002"))
    return errors
