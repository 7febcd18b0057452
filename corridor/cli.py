"""The ``corridor`` command: a thin dispatcher over Django's management commands.

    corridor serve [addr:port]   development server (default 127.0.0.1:8000)
    corridor demo                load the demo programme and print demo logins
    corridor audit verify [--checkpoints FILE]
                                 walk the audit chain (and check it against signed checkpoints);
                                 non-zero exit names the first broken link or checkpoint
    corridor audit checkpoint [--output FILE]
                                 print (and append to FILE) a signed checkpoint of the chain head
    corridor keys init|status|recover --user NAME|rekey-team TEAM --user NAME
                                 key operations (docs/vault.md)
    corridor worker [--batch]    run the outbox: queued deliveries and background work; each
                                 row is deleted with its work (corridor/outbox.py)
    corridor bot [--set-webhook URL|--delete-webhook]
                                 run the Telegram bot by long polling, or register its webhook
    corridor telegram purge      delete abandoned Telegram dialogs and idle rate buckets
    corridor purge [--dry-run] [--yes]
                                 crypto-shred cases past their retention (retention.yaml)
    corridor questionnaire check [FILE]
                                 validate a questionnaire definition
    corridor procedures check [FOLDER]
                                 validate the exit procedures and planning settings
    corridor rewards check [FOLDER]
                                 validate the reward schedules (docs/rewards.md)
    corridor <command> ...       any other management command (migrate, check, ...)

Each operation lives in the app that owns it; ``corridor <command> --help`` shows its rule.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "corridor.settings")
    from django.core.management import execute_from_command_line

    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__)
        execute_from_command_line(["corridor", "help"])
        return
    if argv[0] == "serve":
        argv = ["runserver", *(argv[1:] or ["127.0.0.1:8000"])]
    execute_from_command_line(["corridor", *argv])


if __name__ == "__main__":
    main()
