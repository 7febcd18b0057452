from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from rewards import rates, schedules


class Command(BaseCommand):
    help = (
        "Reward schedules (programme data). 'check [FOLDER]' loads every schedule file of the "
        "programme (default: programmes/<programme>/rewards/) and exits non-zero naming the "
        "file, line and reason of every problem; two files taking effect on the same day are "
        "refused. 'import-rates FILE --user NAME' imports exchange rates from a CSV "
        "(date,currency,rate: units of the currency per US dollar): every line is checked and "
        "nothing is imported if one is wrong; a different rate for a day already imported is "
        "refused. The import is an audit event by the named finance user."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="operation", required=True)
        check = sub.add_parser("check", help="validate the reward schedule files")
        check.add_argument("folder", nargs="?", help="folder of schedule YAML files")
        imports = sub.add_parser("import-rates", help="import exchange rates from a CSV file")
        imports.add_argument("file", help="CSV file: date,currency,rate")
        imports.add_argument("--user", required=True, help="the finance user importing")

    def handle(self, *args, operation: str, **options):
        if operation == "import-rates":
            return self._import(options["file"], options["user"])
        return self._check(options.get("folder"))

    def _import(self, file: str, username: str) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None or not user.has_perm("accounts.record_payouts"):
            raise CommandError(f"{username}: no active user who records payouts")
        try:
            text = Path(file).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{file}: cannot read a UTF-8 text file") from error
        try:
            done = rates.import_csv(text, actor=user)
        except rates.RatesInvalid as invalid:
            for line, reason in invalid.problems:
                self.stderr.write(f"{file}:{line}: {reason}")
            raise CommandError(f"{len(invalid.problems)} problem(s); nothing imported") from invalid
        self.stdout.write(f"{done['imported']} rate(s) imported, {done['unchanged']} unchanged")

    def _check(self, folder: str | None) -> None:
        target = Path(folder) if folder else schedules.directory()
        if not target.is_dir():
            raise CommandError(f"{target}: no such folder")
        loaded, problems = schedules.check_all(target)
        count = 0
        for path, found in problems.items():
            for line, reason in found:
                self.stderr.write(f"{path}:{line}: {reason}")
                count += 1
        if count:
            raise CommandError(f"{count} problem(s) in {len(problems)} file(s)")
        if not loaded:
            raise CommandError(f"{target}: no schedule files")
        for schedule in sorted(loaded.values(), key=lambda s: s.effective):
            self.stdout.write(
                f"{schedule.path}: effective {schedule.effective.isoformat()}, "
                f"{len(schedule.categories)} categories, "
                f"conditions {', '.join(c['id'] for c in schedule.conditions)}: ok"
            )
