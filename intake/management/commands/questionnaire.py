from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from intake.questionnaire import DefinitionError, load


class Command(BaseCommand):
    help = (
        "Questionnaire definitions. 'check [FILE]' loads a definition (default: the programme's "
        "questionnaire.yaml) and exits non-zero naming the line and reason of every problem."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="operation", required=True)
        check = sub.add_parser("check", help="validate a questionnaire definition")
        check.add_argument("path", nargs="?", help="YAML file")

    def handle(self, *args, operation: str, path: str | None = None, **options):
        target = Path(path or Path(settings.CORRIDOR_PROGRAMME_DIR) / "questionnaire.yaml")
        try:
            questionnaire = load(target)
        except FileNotFoundError as error:
            raise CommandError(f"{target}: no such file") from error
        except DefinitionError as error:
            for line, reason in error.problems:
                self.stderr.write(f"{target}:{line}: {reason}")
            raise CommandError(f"{len(error.problems)} problem(s) in {target}") from error
        self.stdout.write(
            f"{target}: {len(questionnaire.questions)} questions, "
            f"languages {', '.join(questionnaire.languages)}: ok"
        )
