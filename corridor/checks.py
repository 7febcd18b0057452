"""System checks that stop an unsafe production start (``manage.py check --deploy``)."""

from django.conf import settings
from django.core.checks import Error, Tags, register


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
    return errors
