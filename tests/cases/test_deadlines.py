"""Deadlines: screening overdue, dormant after silence, reopened on new contact."""

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from audit.models import Event
from cases import messages
from cases.models import Case
from tests.vault.conftest import make_case


def test_silence_makes_a_case_dormant_and_contact_reopens_it(programme, settings, capsys):
    settings.CORRIDOR_DORMANT_AFTER_DAYS = 30
    quiet = make_case(programme.teams["intake"], status=Case.Status.SCREENING)
    busy = make_case(programme.teams["intake"], status=Case.Status.SCREENING)
    later = make_case(programme.teams["intake"], status=Case.Status.SCHEDULED)
    Case.objects.filter(pk__in=[quiet.pk, later.pk]).update(
        last_contact_at=timezone.now() - timedelta(days=31)
    )
    call_command("cases", "mark-dormant")
    assert quiet.number in capsys.readouterr().out
    quiet.refresh_from_db(), busy.refresh_from_db(), later.refresh_from_db()
    assert quiet.status == Case.Status.DORMANT
    assert busy.status == Case.Status.SCREENING and later.status == Case.Status.SCHEDULED
    messages.from_applicant(quiet, "Я снова на связи")
    quiet.refresh_from_db()
    assert quiet.status == Case.Status.SCREENING
    assert Event.objects.filter(
        action="case_transition", object_id=quiet.number, detail__transition="reopen_on_contact"
    ).exists()


def test_overdue_screening_is_queued(programme, settings):
    settings.CORRIDOR_SCREENING_DAYS = 2
    late = make_case(programme.teams["intake"])
    fresh = make_case(programme.teams["intake"])
    Case.objects.filter(pk=late.pk).update(created_at=timezone.now() - timedelta(days=3))
    client = programme.staff.client(programme.users["operator"])
    html = client.get("/cases/queue/overdue/").content.decode()
    assert late.number in html and fresh.number not in html
