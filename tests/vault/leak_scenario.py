"""Run by test_leak.py in its own process, against a real database named by DATABASE_URL:
migrate, then push canary personal data through every vault path, and one plaintext control
through an ordinary unencrypted column. Prints nothing but the case number."""

import io
import logging
import os
import sys

import django

CANARY = {
    "name": "Zyxwerqa Канарейкин",
    "phone": "+7 999 555-44-33",
    "unit": "в/ч 77123-Канарейка",
    "location": "48.123456, 37.654321",
    "note": "canary-free-text-Q7W3",
}
CONTROL = "PLAINTEXT-CONTROL-8J2K"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "corridor.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, skip_checks=True)
    from accounts import actions
    from accounts.models import Team
    from cases.models import Case
    from cases.numbering import next_case_number
    from vault import attachments, blind, records
    from vault.policy import CORRESPONDENCE, ESCORT, IDENTITY

    log = logging.getLogger("corridor.leak")
    intake = Team.objects.create(name=CONTROL, kind=Team.Kind.INTAKE)  # the plaintext control
    field = Team.objects.create(name="Field", kind=Team.Kind.FIELD_UNIT)
    user, temporary = actions.create_staff_user(
        actor=None, username="op", roles=["operator"], teams=[intake]
    )
    from vault import teams

    teams.create_first_key(intake, holders=[user])
    case = Case.objects.create(number=next_case_number(), channel="portal", team=intake)
    answers = records.seal(case, IDENTITY, CANARY, kind="answers", actor=user)
    records.seal(case, CORRESPONDENCE, {"text": CANARY["note"]}, kind="message")
    records.seal(case, ESCORT, {"point": CANARY["location"]}, kind="task", field_unit=field)
    blind.store(case, "full_name", CANARY["name"])
    blind.store(case, "phone", CANARY["phone"])
    attachments.seal_file(
        case,
        IDENTITY,
        io.BytesIO(((CANARY["note"] + "\n") * 5000).encode()),
        filename=CANARY["name"] + ".txt",
        content_type="text/plain",
    )
    # Open it the way a view does, to make sure the read path logs nothing either.
    from vault import staff as staff_keys

    private = staff_keys.unlock(user, temporary)
    assert records.decrypt(answers, records.data_key(user, private, answers)) == CANARY
    blind.store_many(
        case,
        [
            ("service_number", "АБ-123456"),
            ("name_dob", {"name": CANARY["name"], "dob": "1991-02-03"}),
        ],
    )
    from vault import codenames

    secret = codenames.derive(codenames.parse(codenames.new_codename()).words)
    codenames.register(case, secret)
    reply = records.seal(case, CORRESPONDENCE, {"text": CANARY["note"]}, kind="message")
    assert records.open_as_applicant(reply, secret.private_key)["text"] == CANARY["note"]
    records.restrict(case, [user], actor=user, actor_private=private)
    log.info("case %s sealed; control %s", case.number, CONTROL)
    print(case.number)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
