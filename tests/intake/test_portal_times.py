"""The portal shows every time in the zone the applicant's unit keeps (planning.yaml's
applicant_time_zone: Moscow), and names the zone: a message's time and its "valid until"."""

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.utils import timezone

from cases import messages
from cases.models import Case
from tests.intake.test_portal_flow import apply, login

SENT = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)  # 12:00 in Kyiv, 13:00 in Moscow


@pytest.mark.parametrize(
    "language, zone",
    [("ru", "по московскому времени"), ("uk", "за московським часом"), ("en", "Moscow time")],
)
def test_inbox_times_are_in_the_applicant_s_zone_and_named(client, programme, language, zone):
    client.cookies["corridor_language"] = language
    codename, _phrase, _duress = apply(client)
    case = Case.objects.get()
    with mock.patch.object(timezone, "now", return_value=SENT):
        messages.to_applicant(
            case,
            "Точка А",
            actor=programme.users["operator"],
            operational=True,
            expires_at=SENT + timedelta(days=3650),  # still valid when the test runs
        )
    _response, inbox = login(client, codename)
    html = inbox.content.decode()
    meta = html.split('<p class="meta">')[1].split("</p>")[0]
    assert f"04.12.2026 13:00 ({zone})" in meta  # Moscow, not Kyiv's 12:00
    assert f"01.12.2036 13:00 ({zone})" in meta  # valid until, in the same zone
    assert "12:00" not in meta
