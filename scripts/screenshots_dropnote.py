#!/usr/bin/env python3
"""The personal A6 drop note of docs/planning.md as a picture: the real PDF (planning/dropnote.py)
with a Russian recognition phrase from the word list, rasterised by Ghostscript. Writes
docs/screenshots/planning-dropnote-a6.png; touches nothing else.

    .venv/bin/python scripts/screenshots_dropnote.py
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "screenshots" / "planning-dropnote-a6.png"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "corridor.settings")
    os.environ.setdefault("CORRIDOR_HOTLINE", "+380 44 000 00 00")
    import django

    django.setup()
    from planning import dropnote
    from vault.codenames import recognition_phrase

    note = dropnote.personal("ru", phrase=recognition_phrase("ru"), code="482-913")
    with tempfile.TemporaryDirectory() as work:
        pdf = Path(work) / "a6.pdf"
        pdf.write_bytes(dropnote.pdf(note, "a6"))
        subprocess.run(  # noqa: S603
            ["gs", "-q", "-sDEVICE=png16m", "-r213", "-o", str(OUT), str(pdf)],  # noqa: S607
            check=True,
        )
    print(OUT)


if __name__ == "__main__":
    main()
