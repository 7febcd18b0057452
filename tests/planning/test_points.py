"""Handover points: degrees and MGRS in, both out, round trips to the metre."""

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from planning import points


def test_the_bakhmut_area_in_both_forms():
    assert points.to_mgrs(48.595, 37.999) == "37U DP 26193 82919"
    assert points.both(48.595, 37.999) == "37U DP 26193 82919 (48.59500, 37.99900)"


@pytest.mark.parametrize(
    "text",
    ["37U DP 26193 82919", "37udp2619382919", " 37U DP 2619382919 ", "48.595, 37.999",
     "48,595; 37,999", "48.59500 37.99900"],
)  # fmt: skip
def test_degrees_and_mgrs_name_the_same_point(text):
    lat, lon = points.parse(text)
    assert abs(lat - 48.595) < 0.00002 and abs(lon - 37.999) < 0.00002


@given(
    st.floats(min_value=-79.9, max_value=83.9, allow_nan=False),
    st.floats(min_value=-179.9, max_value=179.9, allow_nan=False),
)
def test_degrees_to_mgrs_and_back_round_trips_to_the_metre(lat, lon):
    lat, lon = round(lat, 5), round(lon, 5)
    back = points.parse(points.to_mgrs(lat, lon))
    # MGRS to the metre truncates: at most ~1.5 m, i.e. well under 0.00003 degrees of latitude
    assert abs(back[0] - lat) < 0.00003
    # a degree of longitude shrinks towards the poles; compare on the ground
    from math import cos, radians

    assert abs(back[1] - lon) * cos(radians(lat)) < 0.00003


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("91.0, 37.0", "out of range"),
        ("37UDP261938291", "decimal degrees"),  # odd number of digits
        ("37UZZ2619382919", "does not exist"),
        ("somewhere near the river", "decimal degrees"),
        ("1" * 200, "decimal degrees"),
        ("", "decimal degrees"),
    ],
)
def test_a_bad_point_gets_a_message_without_its_value(text, message):
    with translation.override("en"), pytest.raises(points.PointError) as caught:
        points.parse(text)
    with translation.override("en"):
        assert message in str(caught.value.message)
    assert text[:10] not in str(caught.value) or not text
