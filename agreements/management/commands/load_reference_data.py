"""Load the reference data: parties (ISO 3166-1 states and the EU), minerals, criticality
lists and the catalogue of agreements. Safe to run again: it creates what is missing, brings
reference rows back to the shipped values, and updates a catalogue agreement only when no
editor has changed it since the last load (see agreements.catalogue)."""

import datetime
import json
from pathlib import Path

import pycountry
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from agreements import catalogue
from agreements.models import Party, PartyKind
from minerals.models import Mineral, MineralAlias, MineralList, MineralListEntry

MINERALS_DATA = Path(__file__).resolve().parents[3] / "minerals" / "data" / "minerals.json"
LISTS_DATA = Path(__file__).resolve().parents[3] / "minerals" / "data" / "mineral_lists.json"

EXTRA_PARTIES = [
    {"code": "EU", "name": "European Union", "kind": PartyKind.REGIONAL_ORGANISATION},
]


class Tally:
    def __init__(self):
        self.counts: dict[str, dict[str, int]] = {}

    def add(self, model: str, outcome: str) -> None:
        row = self.counts.setdefault(model, {"created": 0, "updated": 0, "unchanged": 0})
        row[outcome] += 1


def upsert(tally: Tally, model, lookup: dict, values: dict):
    """Create the row, or bring it to ``values``; saves (and records history) only on change."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.save()
        tally.add(model.__name__, "created")
        return obj
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if changed:
        for k in changed:
            setattr(obj, k, values[k])
        obj.save()
        tally.add(model.__name__, "updated")
    else:
        tally.add(model.__name__, "unchanged")
    return obj


class Command(BaseCommand):
    help = "Load parties, minerals, mineral lists and the catalogue of agreements (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--agreements",
            choices=["catalogue", "founding", "none"],
            default="catalogue",
            help="Which shipped agreements to load: the whole catalogue (default), only the "
            "three founding records (small test databases), or none.",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        tally = Tally()
        self.load_parties(tally)
        self.load_minerals(tally)
        self.load_lists(tally)
        for model, row in tally.counts.items():
            self.stdout.write(
                f"{model}: {row['created']} created, {row['updated']} updated, "
                f"{row['unchanged']} unchanged"
            )
        if options["agreements"] != "none":
            only = catalogue.FOUNDING if options["agreements"] == "founding" else None
            self.load_catalogue(only)

    def load_catalogue(self, only):
        try:
            outcome = catalogue.load(only=only)
        except catalogue.CatalogueError as exc:
            raise CommandError(f"Catalogue: {exc}") from exc
        self.stdout.write(
            f"Agreement: {len(outcome.created)} created, {len(outcome.updated)} updated, "
            f"{len(outcome.unchanged)} unchanged, {len(outcome.conflicts)} kept as edited, "
            f"{len(outcome.deleted)} deleted by editors"
        )
        for slug in outcome.conflicts:
            self.stderr.write(
                f"Catalogue record {slug} was changed by an editor since it was loaded: "
                "the editor's version is kept and the shipped one not applied."
            )

    def load_parties(self, tally):
        for country in pycountry.countries:
            name = getattr(country, "common_name", None) or country.name
            upsert(tally, Party, {"code": country.alpha_2}, {"name": name, "kind": PartyKind.STATE})
        for extra in EXTRA_PARTIES:
            upsert(
                tally,
                Party,
                {"code": extra["code"]},
                {"name": extra["name"], "kind": extra["kind"]},
            )

    def load_minerals(self, tally):
        data = json.loads(MINERALS_DATA.read_text(encoding="utf-8"))["minerals"]
        by_slug = {}
        # Groups first, so members can point at them.
        for row in sorted(data, key=lambda r: bool(r["group"])):
            by_slug[row["slug"]] = upsert(
                tally,
                Mineral,
                {"slug": row["slug"]},
                {
                    "name": row["name"],
                    "symbol": row["symbol"],
                    "group": by_slug.get(row["group"]) if row["group"] else None,
                    "description": row["description"],
                },
            )
        for row in data:
            for alias in row["aliases"]:
                upsert(tally, MineralAlias, {"name": alias}, {"mineral": by_slug[row["slug"]]})

    def load_lists(self, tally):
        data = json.loads(LISTS_DATA.read_text(encoding="utf-8"))["lists"]
        for row in data:
            mineral_list = upsert(
                tally,
                MineralList,
                {"slug": row["slug"]},
                {
                    "name": row["name"],
                    "jurisdiction": Party.objects.get(code=row["jurisdiction"]),
                    "published_on": datetime.date.fromisoformat(row["published_on"]),
                    "publisher": row["publisher"],
                    "source_url": row["source_url"],
                    "complete": row["complete"],
                    "note": row["note"],
                },
            )
            for entry in row["entries"]:
                upsert(
                    tally,
                    MineralListEntry,
                    {"mineral_list": mineral_list, "label": entry["label"]},
                    {"mineral": Mineral.objects.get(slug=entry["mineral"]), "note": entry["note"]},
                )
