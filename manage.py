#!/usr/bin/env python
import os
import secrets
import sys

# Commands that only read the code (no request served, nothing signed that must outlive them)
# run without a configured secret key; everything else keeps the production rule of
# config/settings.py: no DJANGO_SECRET_KEY, no start.
CODE_ONLY_COMMANDS = {"makemigrations", "makemessages"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if len(sys.argv) > 1 and sys.argv[1] in CODE_ONLY_COMMANDS:
        os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
