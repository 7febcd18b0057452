from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import actions
from accounts.models import Team, User
from accounts.roles import Role
from cases.models import Case
from cases.numbering import next_case_number

# The demo programme: made-up staff and cases for trying Corridor. Never loaded in production.
TEAMS = [
    ("Intake", Team.Kind.INTAKE),
    ("Planning", Team.Kind.PLANNING),
    ("Finance", Team.Kind.FINANCE),
    ("Field unit 1", Team.Kind.FIELD_UNIT),
]
STAFF = [
    ("operator", Role.OPERATOR, ["Intake"]),
    ("officer", Role.CASE_OFFICER, ["Planning", "Intake"]),
    ("field", Role.FIELD_LIAISON, ["Field unit 1"]),
    ("finance", Role.FINANCE_OFFICER, ["Finance"]),
    ("supervisor", Role.SUPERVISOR, ["Intake", "Planning"]),
    ("auditor", Role.AUDITOR, []),
    ("admin", Role.ADMIN, []),
]
CASES = [
    (Case.Status.NEW, Case.Channel.PORTAL, "Intake"),
    (Case.Status.NEW, Case.Channel.HOTLINE, "Intake"),
    (Case.Status.SCREENING, Case.Channel.TELEGRAM, "Intake"),
    (Case.Status.INTENT_REGISTERED, Case.Channel.PORTAL, "Intake"),
    (Case.Status.VERIFIED, Case.Channel.HOTLINE, "Planning"),
    (Case.Status.PLANNING, Case.Channel.TELEGRAM, "Planning"),
]


class Command(BaseCommand):
    help = (
        "Load the demo programme: one user per role with a fresh printed password, TOTP secret "
        "and backup codes, the demo teams and a handful of demo cases. Run again to get new "
        "credentials. Refuses to run in production."
    )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("The demo programme is never loaded in production.")
        with transaction.atomic():
            teams = {}
            for name, kind in TEAMS:
                teams[name], _created = Team.objects.get_or_create(
                    name=name, defaults={"kind": kind}
                )
            rows = [
                self._staff(username, role, [teams[t] for t in team_names])
                for username, role, team_names in STAFF
            ]
            if not Case.objects.exists():
                for status, channel, team in CASES:
                    Case.objects.create(
                        number=next_case_number(), status=status, channel=channel, team=teams[team]
                    )
        self.stdout.write("Demo staff (log in at http://127.0.0.1:8000/login/):\n")
        self.stdout.write(f"  {'login':<11} {'password':<24} {'TOTP secret':<34} backup codes")
        for username, password, secret, codes in rows:
            self.stdout.write(f"  {username:<11} {password:<24} {secret:<34} {' '.join(codes[:3])}")
        self.stdout.write(
            "\nEnter a backup code (each works once) or a code from an authenticator app set up "
            "with the TOTP secret in the code field. Run `corridor demo` again for new ones.\n"
        )

    def _staff(
        self, username: str, role: str, teams: list[Team]
    ) -> tuple[str, str, str, list[str]]:
        user = User.objects.filter(username=username).first()
        if user is None:
            user, _password = actions.create_staff_user(
                actor=None, username=username, roles=[role], teams=teams
            )
        password = actions.temporary_password()
        user.set_password(password)
        user.password_is_temporary = False  # demo only: real staff must choose their own
        user.save(update_fields=["password", "password_is_temporary"])
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
        codes = actions.new_backup_codes(user)
        return username, password, actions.totp_secret(device), codes
