"""Load supply shares from a CSV file (see README: "Supply concentration").

Columns (header row required, any order): importer, mineral, supplier, year, share,
source_url, quote; optional: source_title, note. Party codes and mineral slugs (or aliases)
as in the API; share in per cent. A row for an (importer, mineral, supplier, year) already
stored replaces it. The whole file is checked first: one bad row and nothing is written.
"""

import csv
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from agreements.models import Party
from config.api.data_version import bump_data_version
from minerals.models import Mineral, MineralAlias

from ...models import SupplyShare

REQUIRED = ("importer", "mineral", "supplier", "year", "share", "source_url", "quote")
OPTIONAL = ("source_title", "note")


class Command(BaseCommand):
    help = "Load supply shares (importer, mineral, supplier, year, share, source) from a CSV file."

    def add_arguments(self, parser):
        parser.add_argument("path", help="CSV file with a header row.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete every stored share of the importers in the file first.",
        )

    def handle(self, *args, path, replace, **options):
        try:
            with open(path, newline="", encoding="utf-8-sig") as handle:
                reader = csv.DictReader(handle)
                missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
                if missing:
                    raise CommandError(f"{path}: missing column(s): {', '.join(missing)}")
                rows = list(reader)
        except OSError as exc:
            raise CommandError(f"{path}: {exc}") from exc

        parties = {p.code: p for p in Party.objects.all()}
        minerals = {m.slug: m for m in Mineral.objects.all()}
        for alias in MineralAlias.objects.select_related("mineral"):
            minerals.setdefault(alias.name.lower(), alias.mineral)

        shares, errors = [], []
        for line, row in enumerate(rows, start=2):
            try:
                shares.append(self._share(row, parties, minerals))
            except ValidationError as exc:
                errors.append(f"line {line}: {'; '.join(exc.messages)}")
        if errors:
            raise CommandError("Nothing loaded:\n" + "\n".join(errors))

        with transaction.atomic():
            if replace:
                SupplyShare.objects.filter(importer__in={s.importer for s in shares}).delete()
            created = updated = 0
            for share in shares:
                _, was_created = SupplyShare.objects.update_or_create(
                    importer=share.importer,
                    mineral=share.mineral,
                    supplier=share.supplier,
                    year=share.year,
                    defaults={
                        f: getattr(share, f)
                        for f in ("share", "source_url", "source_title", "quote", "note")
                    },
                )
                created += was_created
                updated += not was_created
            bump_data_version()
        self.stdout.write(f"{created} created, {updated} updated from {path}")

    def _share(self, row, parties, minerals) -> SupplyShare:
        def value(name):
            return (row.get(name) or "").strip()

        errors = {}
        importer = parties.get(value("importer").upper())
        supplier = parties.get(value("supplier").upper())
        mineral = minerals.get(value("mineral").lower())
        if importer is None:
            errors["importer"] = f"unknown party code {value('importer')!r}"
        if supplier is None:
            errors["supplier"] = f"unknown party code {value('supplier')!r}"
        if mineral is None:
            errors["mineral"] = f"unknown mineral {value('mineral')!r}"
        try:
            year = int(value("year"))
        except ValueError:
            errors["year"] = f"not a year: {value('year')!r}"
            year = None
        try:
            share = Decimal(value("share").rstrip("%"))
        except InvalidOperation:
            errors["share"] = f"not a number: {value('share')!r}"
            share = None
        if errors:
            raise ValidationError([f"{k}: {v}" for k, v in errors.items()])
        instance = SupplyShare(
            importer=importer,
            supplier=supplier,
            mineral=mineral,
            year=year,
            share=share,
            source_url=value("source_url"),
            quote=value("quote"),
            **{name: value(name) for name in OPTIONAL},
        )
        # Field validators, clean() and the constraints, except the unique one (an existing
        # row is replaced, not refused).
        instance.full_clean(validate_unique=False, validate_constraints=False)
        for constraint in SupplyShare._meta.constraints:
            if constraint.name.endswith("_unique_share"):
                continue
            constraint.validate(SupplyShare, instance)
        return instance
