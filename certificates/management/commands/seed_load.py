"""`manage.py seed_load --people N`: the benchmark's national population (certificates/loadgen.py).

Runs `seed_demo` first when the catalogue is missing. Idempotent: with N load people already
there it changes nothing; with another number it asks for `--reset`."""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from certificates import loadgen


class Command(BaseCommand):
    help = (
        "Generate load data (people, institutions in every region, cohorts, enrolments, "
        "progress, quiz attempts, certificates, in-person sessions) for the benchmark."
    )

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=1000, help="number of learners")
        parser.add_argument(
            "--reset", action="store_true", help="remove the load data first (any size)"
        )
        parser.add_argument("--seed", type=int, default=2012, help="random seed")
        parser.add_argument(
            "--password",
            default=None,
            help="a password for every load account (default: none, they cannot sign in)",
        )

    def handle(self, *args, people, reset, seed, password, **options):
        if people < 1:
            raise CommandError("--people must be at least 1.")
        existing = loadgen.existing_count()
        if existing and not reset:
            if existing == people:
                self.stdout.write(f"Load data already present ({existing} people): nothing to do.")
                return
            raise CommandError(
                f"The database holds load data for {existing} people, not {people}: "
                "run again with --reset to replace it."
            )
        started = time.perf_counter()
        if reset and existing:
            self.stdout.write(f"Removing the load data of {existing} people…")
            loadgen.reset()
        if not loadgen.catalogue():
            call_command("seed_demo", stdout=self.stdout)
        try:
            # A bar redrawn in place on a terminal, one line per step elsewhere.
            out = None if self.stdout.isatty() else self.stdout.write
            counts = loadgen.generate(people, seed=seed, password=password, out=out)
        except ValueError as error:
            raise CommandError(str(error)) from error
        for name, value in counts.items():
            self.stdout.write(f"  {name}: {value}")
        self.stdout.write(
            self.style.SUCCESS(f"Load data ready in {time.perf_counter() - started:.1f} s.")
        )
