"""`manage.py ensure_buckets`: create the object storage buckets STORAGE_URL names, if missing."""

from django.core.management.base import BaseCommand

from config.storage import ensure_buckets


class Command(BaseCommand):
    help = "Create the media and private buckets of the object storage when they are missing."

    def handle(self, *args, **options):
        created = ensure_buckets()
        self.stdout.write(
            f"Buckets created: {', '.join(created)}." if created else "Nothing to create."
        )
