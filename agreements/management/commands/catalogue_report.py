"""Print the catalogue's coverage (by year, kind and party) as Markdown tables, from the
shipped files: the figures of the README's coverage section."""

import json
from collections import Counter

from django.core.management.base import BaseCommand

from agreements.catalogue import record_files


def coverage() -> dict[str, Counter]:
    records = [json.loads(p.read_text(encoding="utf-8")) for p in record_files()]
    by_year, by_kind, by_party, by_status = Counter(), Counter(), Counter(), Counter()
    for record in records:
        date = record.get("signed_on") or record.get("announced_on")
        by_year[date[:4] if date else "undated"] += 1
        by_kind[record["kind"]] += 1
        by_status[record["status"]] += 1
        for party in record["parties"]:
            by_party[party["party"]] += 1
    claims = Counter(c.get("status", "verified") for r in records for c in r["claims"])
    precision = Counter(r.get("signed_on_precision") or "none" for r in records)
    return {
        "records": Counter({"records": len(records)}),
        "year": by_year,
        "kind": by_kind,
        "status": by_status,
        "party": by_party,
        "claims": claims,
        "signed_on precision": precision,
    }


class Command(BaseCommand):
    help = "Coverage of the shipped catalogue as Markdown tables."

    def add_arguments(self, parser):
        parser.add_argument("--top", type=int, default=25, help="Parties to list (by count).")

    def handle(self, *args, top, **options):
        for name, counts in coverage().items():
            rows = sorted(counts.items()) if name == "year" else counts.most_common()
            if name == "party":
                rows = rows[:top]
            self.stdout.write(f"\n| {name} | count |\n| --- | --- |")
            for key, value in rows:
                self.stdout.write(f"| {key} | {value} |")
