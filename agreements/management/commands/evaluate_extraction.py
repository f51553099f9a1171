"""Measure the press-release extractor against a folder of annotated releases."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agreements.drafting import vocabulary_from_db
from agreements.extraction.evaluate import evaluate, format_table


class Command(BaseCommand):
    help = (
        "Per-field precision and recall of the extractor over DIR, a folder of NAME.txt "
        "releases with NAME.json expected facts (format: tests/extraction/README.md), using "
        "the parties and minerals in the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="Folder of NAME.txt + NAME.json pairs.")

    def handle(self, *args, directory, **options):
        folder = Path(directory)
        if not folder.is_dir():
            raise CommandError(f"{directory} is not a directory.")
        results = evaluate(folder, vocabulary_from_db())
        if not results["count"]:
            raise CommandError(f"No annotated releases (NAME.txt + NAME.json) in {directory}.")
        self.stdout.write(format_table(results))
        for name, scores in results["releases"].items():
            misses = {f: v for f, v in scores.items() if v[1] or v[2]}
            if misses:
                details = ", ".join(f"{f} tp/fp/fn={v}" for f, v in misses.items())
                self.stdout.write(f"  {name}: {details}")
