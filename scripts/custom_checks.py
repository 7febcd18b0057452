#!/usr/bin/env python3
"""Corridor's own lint rules: things ruff cannot know. Each rule has a bad and a good example.

Run by `make lint`; exits non-zero listing file:line and the rule.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = [
    "corridor",
    "accounts",
    "audit",
    "cases",
    "vault",
    "intake",
    "telegram",
    "planning",
    "family",
    "reception",
    "rewards",
    "reports",
]

RULES = [
    # (name, file glob filter, pattern, message)
    (
        "no-unescaped-output",
        lambda p: p.suffix in (".py", ".html"),
        re.compile(r"mark_safe\(|\|\s*safe\b|autoescape\s+off|SafeString\("),
        "never mark text safe; escape first (bad: {{ note|safe }}; good: {{ note }})",
    ),
    (
        "only-vault-imports-nacl",
        lambda p: p.suffix == ".py" and p.parts[len(ROOT.parts)] != "vault",
        re.compile(r"^\s*(import nacl|from nacl)", re.M),
        "only vault/ may import PyNaCl (bad: from nacl.public import SealedBox; "
        "good: from vault import seal)",
    ),
    (
        "case-access-through-helper",
        lambda p: p.name == "views.py",
        re.compile(r"\bCase\.objects\b"),
        "views fetch cases through cases/access.py (bad: Case.objects.get(number=n); "
        "good: access.case_for_user(request.user, n))",
    ),
    (
        "no-ip-address",
        lambda p: p.suffix == ".py",
        re.compile(r"REMOTE_ADDR|X_FORWARDED_FOR|GenericIPAddressField"),
        "Corridor stores and logs no IP addresses (bad: request.META['REMOTE_ADDR'])",
    ),
]


def files() -> list[Path]:
    found = []
    for app in APPS:
        base = ROOT / app
        if base.is_dir():
            found += [p for p in base.rglob("*") if p.is_file() and "migrations" not in p.parts]
    return found


def main() -> int:
    problems = []
    for path in files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for name, applies, pattern, message in RULES:
            if not applies(path):
                continue
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{path.relative_to(ROOT)}:{line}: [{name}] {message}")
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
