"""The programme's planning settings (``programmes/<programme>/planning.yaml``): the shortest
window a drone's flight time allows, and the time zones staff and applicants read times in."""

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from django.conf import settings

from planning.procedures import ProcedureError


@dataclass(frozen=True)
class Settings:
    drone_flight_minutes: int
    staff_time_zone: str
    applicant_time_zone: dict

    def staff_zone(self) -> ZoneInfo:
        return ZoneInfo(self.staff_time_zone)

    def applicant_zone(self, language: str) -> ZoneInfo:
        """The zone the applicant's unit keeps, by his language (staff zone if not listed)."""
        return ZoneInfo(self.applicant_time_zone.get(language, self.staff_time_zone))


def _zone_ok(name) -> bool:
    try:
        ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def parse(text: str) -> Settings:
    """Settings from YAML text, or ProcedureError naming the key (line) and the reason."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise ProcedureError([(mark.line + 1 if mark else 0, "not valid YAML")]) from None
    if not isinstance(data, dict):
        raise ProcedureError([(1, "expected a mapping")])

    def line(key: str) -> int:
        for k, v in root.value:
            if k.value == key:
                return v.start_mark.line + 1
        return 1

    problems = []
    minutes = data.get("drone_flight_minutes")
    if not isinstance(minutes, int) or not 1 <= minutes <= 240:
        problems.append((line("drone_flight_minutes"), "drone_flight_minutes: 1 to 240"))
    staff = data.get("staff_time_zone")
    if not _zone_ok(staff):
        problems.append((line("staff_time_zone"), f"staff_time_zone: unknown zone {staff!r}"))
    zones = data.get("applicant_time_zone")
    if not isinstance(zones, dict):
        problems.append((line("applicant_time_zone"), "applicant_time_zone: language -> zone"))
        zones = {}
    for language, zone in zones.items():
        if language not in dict(settings.LANGUAGES):
            problems.append((line("applicant_time_zone"), f"unknown language {language!r}"))
        if not _zone_ok(zone):
            problems.append((line("applicant_time_zone"), f"{language}: unknown zone {zone!r}"))
    if problems:
        raise ProcedureError(problems)
    return Settings(minutes, staff, dict(zones))


def path() -> Path:
    return Path(settings.CORRIDOR_PROGRAMME_DIR) / "planning.yaml"


@cache
def current() -> Settings:
    return parse(path().read_text(encoding="utf-8"))
