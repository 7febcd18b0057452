import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from audit import checkpoint
from audit.log import record, verify


class Command(BaseCommand):
    help = (
        "Audit log operations. 'verify' walks the keyed hash chain from the first event and "
        "exits non-zero naming the first broken link (an edited, inserted or deleted event, a "
        "user renamed in the database); it also exits non-zero when the chain contradicts a "
        "kept checkpoint (CORRIDOR_AUDIT_CHECKPOINTS and every --checkpoints file: a rewrite, "
        "or events cut off back to a checkpoint) or a checkpoint is not signed by this "
        "programme. "
        "'checkpoint' prints the chain head signed with the programme's key, as one line to "
        "keep off the host; it covers the chain before its own audit_checkpoint event."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="operation", required=True)
        check = sub.add_parser("verify", help="check every event's hash and link")
        check.add_argument(
            "--checkpoints",
            action="append",
            default=[],
            metavar="FILE",
            help="a file of checkpoint lines ('-' reads standard input); may be repeated",
        )
        sign = sub.add_parser("checkpoint", help="print a signed checkpoint of the chain head")
        sign.add_argument(
            "--output",
            metavar="FILE",
            help="also append the line to FILE (created 0600), to be copied off the host",
        )

    def handle(self, *args, operation: str, **options):
        getattr(self, "do_" + operation)(**options)

    def do_verify(self, *, checkpoints: list[str], **options):
        # Read and check every signature first: a forged or garbled line is refused before any
        # conclusion is drawn (or recorded) about the chain.
        kept = []
        default = settings.CORRIDOR_AUDIT_CHECKPOINTS
        given = {os.path.realpath(n) for n in checkpoints if n != "-"}
        if os.path.exists(default) and os.path.realpath(default) not in given:
            checkpoints = [default, *checkpoints]
        for name in checkpoints:
            try:
                if name == "-":
                    kept += checkpoint.read(sys.stdin, "<stdin>")
                else:
                    with open(name, encoding="utf-8") as lines:
                        kept += checkpoint.read(lines, name)
            except OSError as error:
                raise CommandError(
                    f"cannot read checkpoints from {name}: {error.strerror}"
                ) from error
            except UnicodeDecodeError as error:
                raise CommandError(f"{name} is not a text file of checkpoints") from error
            except checkpoint.BadCheckpoint as error:
                raise CommandError(str(error)) from error
        checked, broken = verify()
        contradicted = checkpoint.check(kept) if kept else None
        record(
            "audit_verified",
            object_type="audit",
            object_id="cli",
            events=checked,
            checkpoints=len(kept),
            intact=broken is None and contradicted is None,
        )
        if broken is not None:
            raise CommandError(
                f"audit chain broken at {broken} ({checked} events before it are intact)"
            )
        if contradicted is not None:
            kept_one, reason = contradicted
            raise CommandError(f"audit chain does not match {kept_one}: {reason}")
        plural = "" if len(kept) == 1 else "s"
        against = f", matching {len(kept)} checkpoint{plural}" if kept else ""
        self.stdout.write(f"audit chain intact: {checked} events{against}")

    def do_checkpoint(self, *, output: str | None, **options):
        # The event commits only once the line is in the file, so the log never claims a
        # checkpoint that was not kept.
        with transaction.atomic():
            line = checkpoint.issue().line()
            if output:
                try:
                    checkpoint.append_line(output, line)
                except OSError as error:
                    raise CommandError(f"cannot append to {output}: {error.strerror}") from error
        self.stdout.write(line)
