"""A portal host name, in any spelling Django accepts, reaches only the portal."""

import pytest


@pytest.fixture
def hosts(settings):
    settings.CORRIDOR_PORTAL_HOSTS = ["portal.example.org"]
    settings.ALLOWED_HOSTS = ["staff.example.org", "portal.example.org", "testserver"]


@pytest.mark.parametrize(
    "host",
    ["portal.example.org", "PORTAL.Example.org", "portal.example.org.", "portal.example.org:443"],
)
def test_every_spelling_of_a_portal_name_sees_only_the_portal(client, programme, hosts, host):
    login_page = client.get("/login/", HTTP_HOST=host).content.decode()
    assert 'name="codename"' in login_page and 'name="password"' not in login_page
    for staff_url in ("/staff/", "/cases/", "/enrol/", "/account/"):
        assert client.get(staff_url, HTTP_HOST=host).status_code == 404


def test_the_staff_host_still_sees_the_staff_login(client, programme, hosts):
    page = client.get("/login/", HTTP_HOST="staff.example.org").content.decode()
    assert 'name="password"' in page and 'name="codename"' not in page
