from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rewards import schedules


class Command(BaseCommand):
    help = (
        "Reward schedules (programme data). 'check [FOLDER]' loads every schedule file of the "
        "programme (default: programmes/<programme>/rewards/) and exits non-zero naming the "
        "file, line and reason of every problem; two files taking effect on the same day are "
        "refused."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="operation", required=True)
        check = sub.add_parser("check", help="validate the reward schedule files")
        check.add_argument("folder", nargs="?", help="folder of schedule YAML files")

    def handle(self, *args, operation: str, folder: str | None = None, **options):
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
