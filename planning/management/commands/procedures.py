from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from planning import dropnote, procedures, programme


class Command(BaseCommand):
    help = (
        "Exit procedures (programme data). 'check [FOLDER]' loads every procedure file of the "
        "programme (default: programmes/<programme>/procedures/), its planning.yaml and "
        "drop_note.yaml, and "
        "exits non-zero naming the file, line and reason of every problem."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="operation", required=True)
        check = sub.add_parser("check", help="validate the procedure files")
        check.add_argument("folder", nargs="?", help="folder of procedure YAML files")

    def handle(self, *args, operation: str, folder: str | None = None, **options):
        target = Path(folder) if folder else procedures.directory()
        if not target.is_dir():
            raise CommandError(f"{target}: no such folder")
        loaded, problems = procedures.check_all(target)
        if not folder:
            base = programme.path().parent
            for path, parse in (
                (programme.path(), programme.parse),
                (base / "drop_note.yaml", dropnote.parse),
            ):
                try:
                    parse(path.read_text(encoding="utf-8"))
                except FileNotFoundError:
                    problems[path] = [(0, "no such file")]
                except procedures.ProcedureError as error:
                    problems[path] = error.problems
        count = 0
        for path, found in problems.items():
            for line, reason in found:
                self.stderr.write(f"{path}:{line}: {reason}")
                count += 1
        if count:
            raise CommandError(f"{count} problem(s) in {len(problems)} file(s)")
        if not loaded:
            raise CommandError(f"{target}: no procedure files")
        for procedure in loaded.values():
            kind = "operational" if procedure.operational else "no point, window or signal"
            self.stdout.write(
                f"{procedure.path}: {procedure.id}, {len(procedure.steps)} steps, "
                f"languages {', '.join(procedure.languages)}, {kind}: ok"
            )
