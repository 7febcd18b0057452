"""The hotline's "case saved" page (and a re-issued codename's) is a POST's answer shown once:
like the portal's codename page it offers no language switch, which would reload the console
without the codename and the duress grant."""

from tests.intake.test_console import CALL, _client


def test_the_hotline_codename_page_offers_no_language_switch(programme):
    client = _client(programme, "operator")
    form = client.get("/intake/hotline/").content.decode()
    assert 'action="/i18n/setlang/"' in form  # other staff pages still switch
    done = client.post("/intake/hotline/", {**CALL, "give_codename": "1"}).content.decode()
    assert 'class="secret"' in done and 'name="grant"' in done
    assert 'action="/i18n/setlang/"' not in done and 'name="language"' not in done
