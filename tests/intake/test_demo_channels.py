"""A development demo (`make run`) publishes obviously sample channels, so the portal's
"genuine channels" page and the field console's drop notes show something; none of them can
reach anyone, and production has no default (tests/corridor/test_deploy_check.py)."""

import re

from django.conf import settings

from corridor.checks import sample_channels
from planning import dropnote


def test_development_has_sample_channels_that_reach_no_one():
    assert not settings.PRODUCTION
    assert settings.CORRIDOR_BOT_NAME.endswith("_demo_bot")
    assert len(settings.CORRIDOR_BOT_NAME.lstrip("@")) > 32  # Telegram names have at most 32
    assert re.sub(r"\D", "", settings.CORRIDOR_HOTLINE).startswith("38000")  # no such code
    onion = settings.DEMO_ONION
    assert onion in settings.CORRIDOR_PORTAL_HOSTS and "demo" in onion
    # A v3 onion address is 56 base32 characters ending in "d" (its version byte).
    name = onion.removesuffix(".onion")
    assert len(name) == 56 and not name.endswith("d")
    assert sorted(sample_channels()) == [
        "CORRIDOR_BOT_NAME",
        "CORRIDOR_HOTLINE",
        "CORRIDOR_PORTAL_HOSTS",
    ]


def test_the_genuine_channels_page_lists_the_demo_channels(client, programme):
    client.cookies["corridor_language"] = "en"
    html = client.get("/portal/p/genuine/").content.decode()
    listed = html.split("Our only channels</h2>")[1].split("</ul>")[0]
    assert settings.CORRIDOR_BOT_NAME in listed and settings.CORRIDOR_HOTLINE in listed
    assert settings.DEMO_ONION in listed
    assert "Website:" not in listed  # the onion address is not a web name


def test_a_generic_drop_note_prints_with_the_demo_channels():
    hotline, portal = dropnote.published_channels()
    assert hotline == settings.CORRIDOR_HOTLINE and portal == f"http://{settings.DEMO_ONION}/"
    assert dropnote._qr_target() == portal
