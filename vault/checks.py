"""System checks: no start without keys, and never with an escrow private key on disk; every
codename word list loads and carries enough bits."""

import logging

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


def load_codename_lists() -> None:
    """At start-up (corridor/wsgi.py): load every word list once, so that the number of words
    and the bits are computed from the lists' real sizes before the first login, and say so."""
    from vault import codenames

    problems = codename_lists(None)
    if problems:
        raise SystemExit("Corridor refuses to start: " + "; ".join(e.msg for e in problems))
    for language in codenames.LANGUAGES:
        listed = codenames.word_list(language)
        logging.getLogger("corridor.codenames").info(
            "codename list %s: %d words, %d random words, %.1f bits",
            language,
            len(listed.words),
            listed.length,
            listed.bits,
        )
