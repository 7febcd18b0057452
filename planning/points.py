"""Handover points: decimal degrees or MGRS in, both out (the ``mgrs`` library, GeoTrans).

Field units read MGRS; a soldier's phone map and most notes use degrees. A point is stored as
degrees with five decimals (about a metre) and always shown in both forms.
"""

import re

import mgrs
from django.utils.translation import gettext_lazy as _

_DEGREES = re.compile(r"^\s*([-+]?\d{1,2}(?:[.,]\d+)?)\s*[,; ]\s*([-+]?\d{1,3}(?:[.,]\d+)?)\s*$")
# zone (absent near the poles), band, 100 km square, 1 to 5 digits each of easting/northing
_MGRS = re.compile(r"^(\d{1,2})?[A-Z]{3}(\d{2}|\d{4}|\d{6}|\d{8}|\d{10})$")


class PointError(ValueError):
    """Not a point; ``message`` is safe to show (it names the form, never the value)."""

    def __init__(self, message):
        super().__init__("not a point")
        self.message = message


def parse(text: str) -> tuple[float, float]:
    """(latitude, longitude) from "48.5950, 37.9990" or "37U DP 26193 82919"."""
    text = (text or "").strip()
    if len(text) > 60:
        raise PointError(_("Give the point as decimal degrees or as MGRS."))
    match = _DEGREES.match(text)
    if match:
        lat, lon = (float(g.replace(",", ".")) for g in match.groups())
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise PointError(_("These coordinates are out of range."))
        return round(lat, 5), round(lon, 5)
    compact = re.sub(r"\s+", "", text).upper()
    if _MGRS.match(compact):
        try:
            lat, lon = mgrs.MGRS().toLatLon(compact)
        except mgrs.core.MGRSError:
            raise PointError(_("This MGRS reference does not exist.")) from None
        return round(lat, 5), round(lon, 5)
    raise PointError(
        _("Give the point as decimal degrees (48.59500, 37.99900) or as MGRS (37U DP 26193 82919).")
    )


def to_mgrs(lat: float, lon: float) -> str:
    """MGRS to the metre, grouped as field units write it: "37U DP 26193 82919"."""
    compact = mgrs.MGRS().toMGRS(lat, lon, MGRSPrecision=5)
    digits = len(compact) - len(compact.rstrip("0123456789"))
    head, tail = compact[:-digits], compact[-digits:]
    grid, square = head[:-2], head[-2:]
    half = len(tail) // 2
    return f"{grid} {square} {tail[:half]} {tail[half:]}"


def to_degrees(lat: float, lon: float) -> str:
    return f"{lat:.5f}, {lon:.5f}"


def both(lat: float, lon: float) -> str:
    """The point as every reader needs it: "37U DP 26193 82919 (48.59500, 37.99900)"."""
    return f"{to_mgrs(lat, lon)} ({to_degrees(lat, lon)})"
