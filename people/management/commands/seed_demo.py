"""Load the demo content of every app, in dependency order, idempotently.

Each app that has demo content provides `<app>/demo.py` with `seed(out)`; apps are visited in
INSTALLED_APPS order, which follows the dependency order people ← courses ← assessments ←
certificates, so this lower app imports none of the higher ones."""

import importlib
import importlib.util

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

PROJECT_APPS = ["people", "courses", "assessments", "certificates"]


class Command(BaseCommand):
    help = "Load the demonstration data (idempotent: running it again changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Give the demo accounts new passwords and recovery codes, and print them.",
        )

    def handle(self, *args, reset_passwords=False, **options):
        def out(line: str) -> None:
            self.stdout.write(line)

        if reset_passwords:
            importlib.import_module("people.demo").reset_passwords(out)
            return
        for label in PROJECT_APPS:
            app = apps.get_app_config(label)
            module_name = f"{app.name}.demo"
            if importlib.util.find_spec(module_name) is None:
                continue
            with transaction.atomic():
                importlib.import_module(module_name).seed(out)
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes / demo data ready."))
