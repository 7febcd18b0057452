from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cases import demo


class Command(BaseCommand):
    help = (
        "Load the demo programme: one user per role, the demo teams and a handful of demo cases "
        "with sealed (encrypted) answers. Prints each login's password, TOTP secret and fresh "
        "one-time backup codes. Refuses to run in production."
    )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("The demo programme is never loaded in production.")
        rows = demo.load()
        self.stdout.write("Demo staff (log in at http://127.0.0.1:8000/login/):\n")
        self.stdout.write(f"  {'login':<11} {'password':<24} {'TOTP secret':<34} backup codes")
        for username, password, secret, codes in rows:
            self.stdout.write(f"  {username:<11} {password:<24} {secret:<34} {' '.join(codes[:3])}")
        codename = demo.demo_codename()
        if codename:
            self.stdout.write(
                "\nApplicant portal: http://127.0.0.1:8000/portal/  (Russian by default)\n"
                f"Demo codename with a staff reply waiting: {codename}\n"
            )
        self.stdout.write(
            "\nEnter a backup code (each works once) or a code from an authenticator app set up "
            "with the TOTP secret in the code field. `corridor demo` prints new backup codes.\n"
        )
