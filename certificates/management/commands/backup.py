"""`manage.py backup [--to FOLDER] [--keep N]`: the database and every stored file in a new
dated folder (config/backup.py); README « Sauvegardes »."""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from config.backup import BackupError, backup, prune


class Command(BaseCommand):
    help = "Back up the database (pg_dump custom format) and the media and private files."

    def add_arguments(self, parser):
        parser.add_argument(
            "--to",
            type=Path,
            default=settings.BACKUP_ROOT,
            help="where the dated backup folder is made (default: BACKUP_ROOT)",
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=0,
            help="then remove the oldest backups there beyond this many (default 0: keep all)",
        )

    def handle(self, *args, to, keep, **options):
        started = time.perf_counter()
        try:
            folder = backup(to=to, out=lambda line: self.stdout.write(f"  {line}"))
        except BackupError as error:
            raise CommandError(str(error)) from error
        for old in prune(to=to, keep=keep) if keep else []:
            self.stdout.write(f"  removed the older backup {old.name}")
        self.stdout.write(
            self.style.SUCCESS(f"Backup {folder} in {time.perf_counter() - started:.1f} s.")
        )
