from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cases.states import mermaid

DOC = Path(settings.BASE_DIR) / "docs" / "workflow.md"
HEAD = """# Case workflow

Generated from `cases/states.py` by `corridor workflow diagram --write`; a test fails when this
file is stale. "[guarded]" marks a step with preconditions (a plan with point and window, the
family safe: docs/planning.md, docs/family.md); the case page shows why such a step is refused.

```mermaid
"""


class Command(BaseCommand):
    help = (
        "The case state machine. 'diagram' prints it as mermaid; with --write it rewrites "
        "docs/workflow.md; with --check it exits non-zero if that file is stale."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="operation", required=True)
        diagram = sub.add_parser("diagram", help="the state diagram (mermaid)")
        diagram.add_argument("--write", action="store_true")
        diagram.add_argument("--check", action="store_true")

    def handle(self, *args, operation: str, write: bool = False, check: bool = False, **options):
        text = HEAD + mermaid() + "```\n"
        if write:
            DOC.write_text(text, encoding="utf-8")
        elif check:
            if not DOC.is_file() or DOC.read_text(encoding="utf-8") != text:
                raise CommandError(
                    "docs/workflow.md is stale: run `corridor workflow diagram --write`"
                )
        else:
            self.stdout.write(mermaid())
