"""Times as each reader needs them: staff in the programme's zone (Kyiv), the applicant in the
zone his unit keeps (Moscow for Russian speakers: programmes/<programme>/planning.yaml)."""

from datetime import datetime

from django.utils import translation
from django.utils.translation import gettext as _

from planning import programme


def zone_name(zone: str) -> str:
    """The zone in words, in the active language."""
    names = {
        "Europe/Moscow": _("Moscow time"),
        "Europe/Kyiv": _("Kyiv time"),
    }
    return names.get(zone, zone)


def for_staff(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    zone = programme.current().staff_time_zone
    return (
        f"{moment.astimezone(programme.current().staff_zone()):%d.%m.%Y %H:%M} ({zone_name(zone)})"
    )


def for_applicant(moment: datetime, language: str) -> str:
    """ "04.12.2026 15:00 (московское время)", in the applicant's language and zone."""
    settings = programme.current()
    zone = settings.applicant_time_zone.get(language, settings.staff_time_zone)
    local = moment.astimezone(settings.applicant_zone(language))
    with translation.override(language):
        return f"{local:%d.%m.%Y %H:%M} ({zone_name(zone)})"
