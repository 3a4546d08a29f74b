"""`makemessages` without fuzzy matching: a new string must be translated, not guessed from a
similar one (a guessed entry with other placeholders breaks the compiled catalogue)."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
