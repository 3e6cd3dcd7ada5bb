"""The ``bansos`` console command: Django's management commands with the project's settings.

``bansos migrate``, ``bansos loadregions``, ``bansos synth --people N --seed S``, ``bansos import ...``,
``bansos export ...``, ``bansos demo``, ``bansos runserver`` and every other management command.
DJANGO_SETTINGS_MODULE defaults to the local (embedded SQLite) settings."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["bansos", *(sys.argv[1:] if argv is None else argv)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
