"""Delete the H5P library versions no activity uses and the stored H5P files nothing names.

Deleting or replacing an activity already does this for what it leaves behind; this command
catches what an interrupted import or an older version of the site left (run it by hand or
from cron; files younger than an hour are kept, an import may be writing them)."""

from django.core.management.base import BaseCommand

from assessments.h5p.services import remove_unused_h5p_files


class Command(BaseCommand):
    help = "Delete unused H5P library versions and the H5P files nothing refers to."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count, delete nothing.")

    def handle(self, *args, dry_run=False, **options):
        counts = remove_unused_h5p_files(dry_run=dry_run)
        verb = "would be deleted" if dry_run else "deleted"
        self.stdout.write(
            f"{counts['libraries']} unused library versions and {counts['files']} files {verb}."
        )
