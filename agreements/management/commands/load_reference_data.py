"""Load the reference data: parties (ISO 3166-1 states and the EU), minerals, criticality
lists and the catalogue of agreements. Safe to run again: it creates what is missing, brings
a reference row to the shipped values only while nobody has changed it since the last load (a
digest of what was loaded is kept per row, in ReferenceRow), reports the rows editors changed
instead of overwriting them, and updates a catalogue agreement only when no editor has changed
it since the last load (see agreements.catalogue)."""

import datetime
import hashlib
import json
from pathlib import Path

import pycountry
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction

from agreements import catalogue
from agreements.models import Party, PartyKind, ReferenceRow
from minerals.models import Mineral, MineralAlias, MineralList, MineralListEntry

MINERALS_DATA = Path(__file__).resolve().parents[3] / "minerals" / "data" / "minerals.json"
LISTS_DATA = Path(__file__).resolve().parents[3] / "minerals" / "data" / "mineral_lists.json"

EXTRA_PARTIES = [
    {"code": "EU", "name": "European Union", "kind": PartyKind.REGIONAL_ORGANISATION},
]


class Tally:
    def __init__(self):
        self.counts: dict[str, dict[str, int]] = {}
        self.conflicts: list[str] = []

    def add(self, model: str, outcome: str) -> None:
        row = self.counts.setdefault(model, {"created": 0, "updated": 0, "unchanged": 0, "kept": 0})
        row[outcome] += 1


def _plain(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def digest(values: dict) -> str:
    plain = {k: _plain(v) for k, v in values.items()}
    return hashlib.sha256(json.dumps(plain, sort_keys=True, default=str).encode()).hexdigest()


def upsert(tally: Tally, model, lookup: dict, values: dict):
    """Create the row if it is missing; bring it to ``values`` only if nobody changed it since
    the last load (its values still match the recorded digest). A row an editor changed is
    kept as it is and reported as a conflict. Saves (and records history) only on change."""
    key = f"{model.__name__} " + " ".join(str(_plain(v)) for v in lookup.values())
    shipped = digest(values)
    record = ReferenceRow.objects.filter(key=key).first()
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.save()
        tally.add(model.__name__, "created")
    else:
        current = digest({k: getattr(obj, k) for k in values})
        if current == shipped:
            tally.add(model.__name__, "unchanged")
        elif record is not None and record.digest == current:
            for k, v in values.items():
                setattr(obj, k, v)
            obj.save()
            tally.add(model.__name__, "updated")
        else:
            changed = sorted(k for k, v in values.items() if _plain(getattr(obj, k)) != _plain(v))
            tally.add(model.__name__, "kept")
            tally.conflicts.append(
                f"{key}: {', '.join(changed)} changed since the last load; kept, not "
                "overwritten (edit it to the shipped value to take it)"
            )
            return obj
    if record is None:
        ReferenceRow.objects.create(key=key, digest=shipped)
    elif record.digest != shipped:
        record.digest = shipped
        record.save(update_fields=["digest", "updated_at"])
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
            kept = f", {row['kept']} kept (changed by editors)" if row["kept"] else ""
            self.stdout.write(
                f"{model}: {row['created']} created, {row['updated']} updated, "
                f"{row['unchanged']} unchanged{kept}"
            )
        for line in tally.conflicts:
            self.stdout.write(f"Conflict: {line}")
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
