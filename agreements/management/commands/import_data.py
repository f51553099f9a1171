"""Load an export_data file into an empty database (all or nothing)."""

from django.core.management.base import BaseCommand, CommandError

from agreements.sync.transfer import TransferError, import_from


class Command(BaseCommand):
    help = "Import FILE written by export_data into a database with no tracker data."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            with open(file, encoding="utf-8") as stream:
                counts = import_from(stream, progress=options["verbosity"] > 0)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from None
        except TransferError as exc:
            raise CommandError(f"Refused {file}: {exc}. Nothing was imported.") from None
        tables = sum(1 for n in counts.values() if n)
        self.stdout.write(f"Imported {sum(counts.values())} objects into {tables} tables.")
