"""Measure the press-release extractor: on folders of annotated releases, or from the
corrections editors made to drafts created from releases."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agreements.drafting.proposals import format_history, history_scores
from agreements.drafting.runner import vocabulary_from_db
from agreements.extraction.evaluate import AnnotationError, report


class Command(BaseCommand):
    help = (
        "Per-field precision and recall of the extractor over each DIR (NAME.txt releases "
        "with NAME.json expected facts, format: tests/extraction/README.md), side by side, "
        "using the parties and minerals in the database. Misses of a folder named 'blind' "
        "are listed only with --show-misses. --from-history scores the proposals of drafts "
        "created from releases against what editors published."
    )

    def add_arguments(self, parser):
        parser.add_argument("directories", nargs="*", help="Folders of NAME.txt + NAME.json.")
        parser.add_argument(
            "--show-misses",
            action="store_true",
            help="Also list the releases missed in blind folders.",
        )
        parser.add_argument(
            "--from-history",
            action="store_true",
            help="Score the proposals of published drafts against the published records.",
        )

    def handle(self, *args, directories, show_misses, from_history, **options):
        if not directories and not from_history:
            raise CommandError("Give at least one folder, or --from-history.")
        for directory in directories:
            folder = Path(directory)
            if not folder.is_dir():
                raise CommandError(f"{directory} is not a directory.")
            if not any(p.with_suffix(".txt").exists() for p in folder.glob("*.json")):
                raise CommandError(f"No annotated releases (NAME.txt + NAME.json) in {directory}.")
        if directories:
            try:
                text, _ = report(directories, vocabulary_from_db(), show_misses=show_misses)
            except AnnotationError as exc:
                raise CommandError(f"Invalid annotation: {exc}") from exc
            self.stdout.write(text)
        if from_history:
            if directories:
                self.stdout.write("")
            self.stdout.write(
                "From editors' corrections (drafts created from releases, published):"
            )
            self.stdout.write(format_history(history_scores()))
