"""`manage.py restore FOLDER [--replace]`: a backup made by `manage.py backup` brought back into
the configured database and storages (config/backup.py); README « Sauvegardes »."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup folder: the database, then the media and private files."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="a formation-YYYYMMDD-HHMMSSZ folder")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="overwrite a database that already holds tables (default: refuse)",
        )

    def handle(self, *args, folder, replace, **options):
        started = time.perf_counter()
        try:
            counts = restore(
                folder=folder, replace=replace, out=lambda line: self.stdout.write(f"  {line}")
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        files = ", ".join(f"{count} {label}" for label, count in counts.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {folder} ({files} files) in {time.perf_counter() - started:.1f} s."
            )
        )
