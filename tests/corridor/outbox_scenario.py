"""Run by test_outbox.py in its own process, against the SQLite file named by DATABASE_URL:
migrate, make a portal case, then log in with its codename and write a message and an update
through the real portal views, which leaves them sealed in the outbox for `corridor worker`."""

import os

import django

MESSAGE = "Outbox-canary-message-Кузьминов-7Q2"
UPDATE = "Outbox-canary-area-Zxq9"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "corridor.settings")
    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0, skip_checks=True)
    from accounts import actions
    from accounts.models import Team
    from intake import service
    from intake.questionnaire import current
    from vault import teams

    intake = Team.objects.create(name="Intake", kind=Team.Kind.INTAKE)
    user, _temporary = actions.create_staff_user(
        actor=None, username="op", roles=["operator"], teams=[intake]
    )
    teams.create_first_key(intake, holders=[user])
    answers = {"who": "serviceman", "name": "Иван Петров", "situation": "not_deployed"}
    submission = service.submit(current(), answers, channel="portal", language="ru")
    client = Client()
    assert client.post("/portal/login/", {"codename": submission.codename}).status_code == 302
    assert client.post("/portal/inbox/reply/", {"text": MESSAGE}).status_code == 302
    update = {"situation": "front", "area": UPDATE}
    assert client.post("/portal/inbox/update/", update).status_code == 302


if __name__ == "__main__":
    main()
