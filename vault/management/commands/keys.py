import getpass
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Team, User
from audit.log import record as audit
from vault import escrow, keys, recovery, staff, teams
from vault.keys import keyring


class Command(BaseCommand):
    help = (
        "Key operations. 'init' creates the key directory (refuses to overwrite) and prints the "
        "escrow key as 5 word shares, any 3 of which rebuild it: write each on paper for a "
        "different keeper; they are shown once and stored nowhere. 'recover' reads 3 shares at "
        "the console, re-grants a user his teams' keys and named cases, and forgets the escrow "
        "key. 'rekey-team' re-seals a team's older records to its current key after a member "
        "left (run by a member, who types his password). 'add-audit-key' gives an install made "
        "before audit.key existed its key (the server refuses to start without it); events "
        "from then on are keyed, earlier ones keep their plain links. 'status' lists problems."
    )
    requires_system_checks: list = []  # `init` runs before any key exists

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="operation", required=True)
        sub.add_parser("init", help="create every key; print the escrow shares once")
        sub.add_parser("status", help="report missing keys or an escrow key on disk")
        sub.add_parser("add-audit-key", help="create audit.key on an install that has none")
        recover = sub.add_parser("recover", help="re-grant a user access with 3 escrow shares")
        recover.add_argument("--user", required=True, help="user name to re-grant")
        rekey = sub.add_parser("rekey-team", help="re-seal a team's records to its current key")
        rekey.add_argument("team", help="team name")
        rekey.add_argument("--user", required=True, help="a member of the team (asks his password)")

    def handle(self, *args, operation: str, **options):
        getattr(self, "do_" + operation.replace("-", "_"))(**options)

    def do_init(self, **options):
        try:
            shares = keys.init_keys()
        except keys.KeysExist as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Keys written to {keys.key_dir()} (files 0600).\n")
        self.stdout.write(
            f"Escrow key shares: any {escrow.THRESHOLD} of these {escrow.SHARES} rebuild it. Write "
            "each on paper for a different keeper. They are not stored anywhere.\n"
        )
        for number, share in enumerate(shares, start=1):
            self.stdout.write(f"share {number}: {share}\n")
        audit("keys_initialised", object_type="keys", object_id="escrow")

    def do_add_audit_key(self, **options):
        from audit.models import ChainHead

        with transaction.atomic():
            # Hold the chain head: no event is written between reading it and keying the next.
            head = ChainHead.objects.select_for_update().filter(pk=1).first()
            first = (head.seq if head else 0) + 1
            try:
                keys.add_audit_key(first)
            except keys.KeysExist as error:
                raise CommandError(str(error)) from error
            audit("audit_key_added", object_type="keys", object_id="audit", first_keyed=first)
        self.stdout.write(f"audit.key written to {keys.key_dir()}; events from #{first} are keyed")

    def do_status(self, **options):
        found = keys.problems()
        for problem in found:
            self.stdout.write(problem)
        if found:
            raise CommandError(f"{len(found)} key problem(s)")
        self.stdout.write("OK: every key is present and no escrow private key or share is on disk")

    def _read_shares(self) -> list[str]:
        self.stdout.write(f"Type {escrow.THRESHOLD} escrow shares, one per line.")
        shares = []
        for number in range(1, escrow.THRESHOLD + 1):
            prompt = f"share {number}: "
            line = getpass.getpass(prompt) if sys.stdin.isatty() else sys.stdin.readline()
            shares.append(line.strip())
        return shares

    def do_recover(self, user: str, **options):
        target = User.objects.filter(username=user).first()
        if target is None or not staff.has_key(target):
            raise CommandError("no such user with a key pair")
        shares = self._read_shares()
        try:
            private = escrow.combine(shares)
        except escrow.BadShares as error:
            audit("escrow_recovery_failed", object_type="user", object_id=target.pk)
            raise CommandError(f"the shares do not rebuild a key: {error}") from error
        try:
            result = recovery.regrant(target, private, public=keyring().escrow_public)
        except (recovery.WrongEscrowKey, recovery.Inactive) as error:
            raise CommandError(str(error)) from error
        finally:
            del private
        self.stdout.write(
            f"re-granted user {target.pk}: {result['team_keys']} team key versions, "
            f"{result['records']} records of named cases; the escrow key is forgotten"
        )

    def do_rekey_team(self, team: str, user: str, **options):
        group = Team.objects.filter(name=team).first()
        member = User.objects.filter(username=user).first()
        if group is None or member is None:
            raise CommandError("no such team or user")
        password = (
            getpass.getpass("password: ") if sys.stdin.isatty() else sys.stdin.readline().strip()
        )
        try:
            private = staff.unlock(member, password)
        except staff.WrongPassword as error:
            raise CommandError("wrong password") from error
        with transaction.atomic():
            try:
                moved = teams.rekey(group, actor=member, actor_private=private)
            except teams.NoTeamKey as error:
                raise CommandError("this user holds no key of that team") from error
        self.stdout.write(f"team {group.pk}: {moved} records re-sealed to the current key")
