"""System checks that stop an unsafe production start (``manage.py check --deploy``)."""

import re

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def production_settings(app_configs, **kwargs) -> list[Error]:
    if not settings.PRODUCTION:
        return []
    errors = []
    if settings.DEBUG:
        errors.append(Error("DEBUG is on in production.", id="corridor.E001"))
    if settings.SECRET_KEY.startswith("corridor-development-only") or len(settings.SECRET_KEY) < 50:
        errors.append(Error("SECRET_KEY is the development key or too short.", id="corridor.E002"))
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        errors.append(Error("Production runs on PostgreSQL only.", id="corridor.E003"))
    if not (settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE):
        errors.append(Error("Session and CSRF cookies must be Secure.", id="corridor.E004"))
    if (
        settings.CORRIDOR_ARGON2_OPSLIMIT < 3
        or settings.CORRIDOR_ARGON2_MEMLIMIT < 64 * 1024 * 1024
    ):
        errors.append(
            Error("Argon2id cost for staff keys is below 3 passes / 64 MiB.", id="corridor.E005")
        )
    if "intake.portal.PortalCsrfMiddleware" not in settings.MIDDLEWARE:
        errors.append(Error("The CSRF middleware is missing.", id="corridor.E006"))
    errors.extend(published_channels())
    return errors


def sample_channels() -> list[str]:
    """The published channels that are samples (the development demo's, or deploy/env.example's
    placeholders): printed on drop notes and the portal they would send people nowhere, or to
    whoever registers the name."""
    found = []
    bot = settings.CORRIDOR_BOT_NAME.strip().lower()
    if bot.endswith("_demo_bot") or bot in {"@example_bot", "example_bot"}:
        found.append("CORRIDOR_BOT_NAME")
    digits = re.sub(r"\D", "", settings.CORRIDOR_HOTLINE)
    if digits.startswith("38000") or (digits and set(digits[3:]) <= {"0"}):
        found.append("CORRIDOR_HOTLINE")
    if settings.DEMO_ONION in settings.CORRIDOR_PORTAL_HOSTS:
        found.append("CORRIDOR_PORTAL_HOSTS")
    return found


def published_channels() -> list[Error | Warning]:
    """Production publishes real channels: never the demo's samples; a warning for none."""
    samples = sample_channels()
    if samples:
        return [
            Error(
                "Sample channel values in production: " + ", ".join(samples) + ".",
                hint="Set the programme's real bot name, hotline and portal host names "
                "(deploy/env.example).",
                id="corridor.E007",
            )
        ]
    if not (
        settings.CORRIDOR_HOTLINE or settings.CORRIDOR_BOT_NAME or settings.CORRIDOR_PORTAL_HOSTS
    ):
        return [
            Warning(
                "No published channel: the portal's genuine-channels page lists none and "
                "drop notes cannot be printed.",
                hint="Set CORRIDOR_HOTLINE, CORRIDOR_BOT_NAME and CORRIDOR_PORTAL_HOSTS.",
                id="corridor.W001",
            )
        ]
    return []
