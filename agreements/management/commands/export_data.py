"""Write every tracker record, with its history and the changes feed, to a JSON file."""

import sys

from django.core.management.base import BaseCommand

from agreements.sync.transfer import export_to


class Command(BaseCommand):
    help = "Export all tracker data, history and change events to FILE ('-' for stdout)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        if file == "-":
            counts = export_to(sys.stdout, progress=False)
        else:
            with open(file, "w", encoding="utf-8") as stream:
                counts = export_to(stream, progress=options["verbosity"] > 0)
        self.stderr.write(f"Exported {sum(counts.values())} objects from {len(counts)} tables.")
