"""Generate a large, realistic, synthetic set of agreements for demos and benchmarks.

Every row respects the model constraints and the cross-row rules of the domain model
(agreements.validation): a published agreement has two or more parties and a source, a
signatory represents one of the agreement's parties, nothing is listed twice. Rows are
written with ``bulk_create`` in batches, inside one transaction, and the same ``--seed``
gives the same data (slugs included) on the same starting database.
"""

import datetime
import random
import sys
from collections import defaultdict
from itertools import accumulate

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Q
from django.utils.text import slugify
from tqdm import tqdm

from agreements.models import (
    Agreement,
    AgreementKind,
    AgreementMineral,
    AgreementParty,
    AgreementStatus,
    Party,
    PartyKind,
    Person,
    RelatedAgreement,
    RelationKind,
    Signature,
    SignatureRole,
    Source,
    SourceKind,
    Stage,
)
from agreements.sync import changelog
from config.api.data_version import bump_data_version
from minerals.models import Mineral, MineralAlias

# Parties that sign most critical-minerals instruments, and their relative weight
# (every other state weighs 1).
MAJOR_PARTIES = {
    "US": 40,
    "GB": 30,
    "JP": 30,
    "AU": 30,
    "CA": 25,
    "DE": 20,
    "FR": 18,
    "IN": 20,
    "KR": 20,
    "EU": 30,
    "CL": 8,
    "AR": 8,
    "ZA": 8,
    "CD": 6,
    "ID": 8,
    "KZ": 8,
    "SA": 8,
    "BR": 8,
    "MN": 5,
    "NA": 5,
}

CAPITALS = {
    "US": "Washington DC",
    "GB": "London",
    "JP": "Tokyo",
    "AU": "Canberra",
    "CA": "Ottawa",
    "DE": "Berlin",
    "FR": "Paris",
    "IN": "New Delhi",
    "KR": "Seoul",
    "EU": "Brussels",
    "CL": "Santiago",
    "AR": "Buenos Aires",
    "ZA": "Pretoria",
    "CD": "Kinshasa",
    "ID": "Jakarta",
    "KZ": "Astana",
    "SA": "Riyadh",
    "BR": "Brasília",
    "MN": "Ulaanbaatar",
    "NA": "Windhoek",
}
# Summits and fora where instruments are often signed outside every party.
VENUES = [
    ("Davos", "CH"),
    ("Geneva", "CH"),
    ("New York", "US"),
    ("Osaka", "JP"),
    ("Hiroshima", "JP"),
    ("Toronto", "CA"),
    ("Perth", "AU"),
    ("Dubai", "AE"),
    ("Singapore", "SG"),
]

KIND_WEIGHTS = {
    AgreementKind.MEMORANDUM_OF_UNDERSTANDING: 34,
    AgreementKind.AGREEMENT: 10,
    AgreementKind.FRAMEWORK: 10,
    AgreementKind.JOINT_STATEMENT: 14,
    AgreementKind.STATEMENT_OF_INTENT: 8,
    AgreementKind.ROADMAP: 7,
    AgreementKind.PARTNERSHIP: 9,
    AgreementKind.TREATY: 3,
    AgreementKind.OTHER: 5,
}
KIND_TITLES = {
    AgreementKind.MEMORANDUM_OF_UNDERSTANDING: ("Memorandum of Understanding", "MoU"),
    AgreementKind.AGREEMENT: ("Agreement", "agreement"),
    AgreementKind.FRAMEWORK: ("Framework", "framework"),
    AgreementKind.JOINT_STATEMENT: ("Joint Statement", "joint statement"),
    AgreementKind.STATEMENT_OF_INTENT: ("Joint Declaration of Intent", "declaration of intent"),
    AgreementKind.ROADMAP: ("Roadmap", "roadmap"),
    AgreementKind.PARTNERSHIP: ("Partnership", "partnership"),
    AgreementKind.TREATY: ("Treaty", "treaty"),
    AgreementKind.OTHER: ("Arrangement", "arrangement"),
}
BINDING = {
    AgreementKind.TREATY: (0.9, 0.05),  # P(true), P(false); the rest is unknown
    AgreementKind.AGREEMENT: (0.6, 0.2),
}
TOPICS = [
    "Cooperation in the Field of Critical Minerals",
    "Critical Minerals Supply Chains",
    "{mineral} Supply Chain Cooperation",
    "Responsible Mining and Critical Minerals Security",
    "Critical Raw Materials",
    "Clean Energy Minerals and Battery Supply Chains",
    "Investment in {mineral} Processing",
    "Geological Survey Cooperation on Critical Minerals",
    "Critical Minerals Research and Innovation",
]

# Minerals agreements name most often, and their weight (every other mineral weighs 1).
MAJOR_MINERALS = {
    "lithium": 40,
    "cobalt": 30,
    "nickel": 28,
    "rare-earth-elements": 30,
    "graphite": 22,
    "copper": 20,
    "manganese": 12,
    "neodymium": 8,
    "dysprosium": 6,
    "praseodymium": 5,
    "terbium": 4,
    "gallium": 8,
    "germanium": 7,
    "platinum-group-metals": 8,
    "vanadium": 5,
    "tungsten": 5,
    "uranium": 5,
}
STAGE_WEIGHTS = [30, 40, 40, 25, 20, 8, 25, 20]  # in Stage.values order
# Computed once: TextChoices.values builds a new list on every access.
STAGE_CHANCES = [
    (stage, weight / 100) for stage, weight in zip(Stage.values, STAGE_WEIGHTS, strict=True)
]
SOURCE_KINDS = list(SourceKind.values)
KINDS = list(KIND_WEIGHTS)
KIND_CUM = list(accumulate(KIND_WEIGHTS.values()))
MINERAL_NOTES = ["battery grade", "including magnets", "concentrates", "and its compounds"]

FIRST_NAMES = (
    "Amelia Aiko Akira Alejandro Ana Anders Anjali Arjun Beatriz Camille Carlos Chloé Daniel "
    "Daisuke Elena Emma Fatima Felipe François Gabriel Hana Hannah Hiroshi Ingrid Isabel James "
    "Jean Ji-woo Jonas Julia Kavya Kenji Laura Lena Lucas Mariana Markus Mei Min-jun Mohammed "
    "Nadia Naledi Noah Olga Oliver Pablo Priya Rahul Rania Ravi Rebecca Sakura Samuel Sara "
    "Seo-yeon Sipho Sofía Sophie Thandiwe Thomas Valentina Victoria Wei William Yuki Zanele"
).split()
LAST_NAMES = (
    "Abbott Ahmed Alvarez Andersen Bakker Banerjee Becker Bernard Bianchi Campbell Castillo "
    "Chen Cho Clarke Da Silva Dubois Dlamini Fernández Fischer Fontaine Garcia Gupta Hall "
    "Hashimoto Hoffmann Ito Iyer Jansen Johansson Kang Kapoor Kato Khan Kim Kowalski Lambert "
    "Laurent Lee Lopez Martin Mbeki Meyer Moreau Morgan Müller Nakamura Ndlovu Nguyen O'Brien "
    "Park Patel Petrov Reddy Richter Rossi Santos Sato Schmidt Schneider Sharma Singh Suzuki "
    "Tanaka Taylor Thompson Tshabalala Wagner Walker Watanabe Weber Wilson Yamamoto Yoon Zhou"
).split()
PORTFOLIOS = [
    "Trade",
    "Industry",
    "Energy",
    "Resources",
    "Mines",
    "Foreign Affairs",
    "Economy",
    "Business and Trade",
    "Energy Security",
    "Science and Technology",
]
WITNESS_OFFICES = ["Prime Minister", "President", "Chancellor", "Head of Government"]
EU_OFFICES = [
    "European Commissioner for Trade",
    "Executive Vice-President of the European Commission",
    "European Commissioner for Internal Market",
    "EU Ambassador",
]
PUBLISHERS = ["Ministry of Foreign Affairs", "Department of Trade", "Ministry of Energy"]

START = datetime.date(2000, 1, 1)
END = datetime.date(2026, 10, 31)
# Status is judged as of this fixed day, so the data does not depend on when it is made.
AS_OF = datetime.date(2026, 11, 1)
BATCH = 2000


class ReferenceData:
    """The parties, minerals and aliases the generator draws from (loaded once)."""

    def __init__(self):
        parties = list(
            Party.objects.filter(kind__in=[PartyKind.STATE, PartyKind.REGIONAL_ORGANISATION])
            .order_by("code")
            .values_list("pk", "code", "name", "kind")
        )
        self.party = {code: (pk, name, kind) for pk, code, name, kind in parties}
        self.state_codes = [c for c, (_, _, k) in self.party.items() if k == PartyKind.STATE]
        self.party_codes = [c for c in self.party if c == "EU" or c in self.state_codes]
        self.party_cum = list(accumulate(MAJOR_PARTIES.get(c, 1) for c in self.party_codes))
        # Minerals in their display order (the order search text lists them in).
        minerals = list(Mineral.objects.order_by("name", "slug").values_list("pk", "slug", "name"))
        self.mineral = {slug: (pk, name) for pk, slug, name in minerals}
        self.mineral_rank = {slug: i for i, (_, slug, _) in enumerate(minerals)}
        self.mineral_slugs = [slug for _, slug, _ in minerals]
        self.mineral_cum = list(accumulate(MAJOR_MINERALS.get(s, 1) for s in self.mineral_slugs))
        self.aliases = defaultdict(list)
        for mineral_slug, alias in MineralAlias.objects.order_by("mineral__slug", "pk").values_list(
            "mineral__slug", "name"
        ):
            self.aliases[mineral_slug].append(alias)

    def missing(self) -> list[str]:
        needed = {"GB", "US", "EU", "lithium", "cobalt", "rare-earth-elements"}
        have = set(self.party) | set(self.mineral)
        return sorted(needed - have)


class Generator:
    """Builds unsaved model instances from one random stream; never touches the database
    except through the ``Command`` that drives it."""

    def __init__(
        self, ref: ReferenceData, rng: random.Random, used_slugs: set, people: dict, count: int
    ):
        self.ref = ref
        # Casts grow with the data set, so nobody signs thousands of agreements.
        self.cast_size = {"major": max(8, count // 1000), "other": max(3, count // 20000)}
        self.rng = rng
        self.used_slugs = used_slugs
        self.people = people  # slug -> Person (saved or pending)
        self.pending_people: list[Person] = []
        self.party_people: dict[str, list[Person]] = defaultdict(list)
        names = [f"{f} {last}" for f in FIRST_NAMES for last in LAST_NAMES]
        rng.shuffle(names)
        self.fresh_names = names

    # People ---------------------------------------------------------------------------
    def _new_person(self) -> Person:
        while self.fresh_names:
            name = self.fresh_names.pop()
            slug = slugify(name)
            if slug in self.people:
                continue  # someone else already has this name's slug: draw another
            person = Person(slug=slug, name=name)
            self.people[slug] = person
            self.pending_people.append(person)
            return person
        # The pool of names is exhausted: reuse someone.
        return self.rng.choice(list(self.people.values()))

    def person_for(self, code: str) -> Person:
        """Someone who signs for ``code``: a small, stable cast per party."""
        cast = self.party_people[code]
        size = self.cast_size["major" if code in MAJOR_PARTIES else "other"]
        if len(cast) < size and (not cast or self.rng.random() < 0.3):
            cast.append(self._new_person())
        return self.rng.choice(cast)

    def office_for(self, code: str, others: list[str]) -> str:
        if code == "EU":
            return self.rng.choice(EU_OFFICES)
        roll = self.rng.random()
        portfolio = self.rng.choice(PORTFOLIOS)
        if roll < 0.45:
            return f"Minister of {portfolio}"
        if roll < 0.65:
            return f"Secretary of State for {portfolio}"
        if roll < 0.8:
            return f"Under Secretary for {portfolio}"
        other = self.ref.party[self.rng.choice(others)][1] if others else "the Partners"
        return f"Ambassador to {other}"

    # One agreement --------------------------------------------------------------------
    def _date(self, start: datetime.date, end: datetime.date) -> datetime.date:
        return start + datetime.timedelta(days=self.rng.randint(0, (end - start).days))

    def _slug(self, text: str) -> str:
        base = slugify(text.replace("–", "-"))[:110].strip("-") or "agreement"
        slug, n = base, 1
        while slug in self.used_slugs:
            n += 1
            slug = f"{base}-{n}"
        self.used_slugs.add(slug)
        return slug

    def _parties(self) -> list[str]:
        rng = self.rng
        count = rng.choices([2, 3, 4, 5], weights=[70, 15, 9, 6])[0]
        chosen: list[str] = []
        while len(chosen) < count:
            code = rng.choices(self.ref.party_codes, cum_weights=self.ref.party_cum)[0]
            if code not in chosen:
                chosen.append(code)
        return chosen

    def _minerals(self) -> list[str]:
        rng = self.rng
        count = rng.choices(range(1, 9), weights=[20, 20, 18, 14, 10, 8, 6, 4])[0]
        chosen: list[str] = []
        while len(chosen) < count:
            slug = rng.choices(self.ref.mineral_slugs, cum_weights=self.ref.mineral_cum)[0]
            if slug not in chosen:
                chosen.append(slug)
        return chosen

    def _dates(self, kind: str) -> dict:
        rng = self.rng
        if rng.random() < 0.03:
            announced = self._date(datetime.date(2024, 1, 1), END)
            return {"status": AgreementStatus.PLANNED, "announced_on": announced}
        signed = self._date(START, END)
        out = {"signed_on": signed}
        if rng.random() < 0.3:
            out["announced_on"] = signed - datetime.timedelta(days=rng.randint(0, 60))
        if rng.random() < 0.3:
            out["effective_on"] = signed + datetime.timedelta(days=rng.randint(0, 400))
        start = out.get("effective_on", signed)
        if rng.random() < 0.25:
            out["expires_on"] = start + datetime.timedelta(days=365 * rng.randint(2, 10))
        if rng.random() < 0.05:
            out["terminated_on"] = signed + datetime.timedelta(days=rng.randint(30, 2000))
        if out.get("terminated_on") and out["terminated_on"] <= AS_OF:
            status = AgreementStatus.TERMINATED
        elif out.get("expires_on") and out["expires_on"] <= AS_OF:
            status = AgreementStatus.EXPIRED
        elif start > AS_OF or kind == AgreementKind.JOINT_STATEMENT:
            status = AgreementStatus.SIGNED
        elif rng.random() < 0.04:
            status = AgreementStatus.SUPERSEDED
        else:
            status = rng.choice(
                [AgreementStatus.IN_FORCE, AgreementStatus.IN_FORCE, AgreementStatus.SIGNED]
            )
        out["status"] = status
        return out

    def agreement(self) -> dict:
        """One agreement with its nested rows, as unsaved instances and plain values."""
        rng = self.rng
        ref = self.ref
        kind = rng.choices(KINDS, cum_weights=KIND_CUM)[0]
        parties = self._parties()
        minerals = self._minerals()
        dates = self._dates(kind)
        signed_on = dates.get("signed_on")

        names = [ref.party[c][1] for c in parties]
        long_kind, short_kind = KIND_TITLES[kind]
        joined = ", ".join(names[:-1]) + " and " + names[-1]
        lead_mineral = ref.mineral[minerals[0]][1]
        topic = rng.choice(TOPICS).format(mineral=lead_mineral)
        title = f"{long_kind} between {joined} on {topic}"[:300]
        year = signed_on.year if signed_on else dates["announced_on"].year
        short_title = f"{'–'.join(parties)} {short_kind} on {lead_mineral.lower()} {year}"[:120]
        slug = self._slug(short_title)

        if rng.random() < 0.8:
            home = rng.choice([c for c in parties if c in CAPITALS] or parties)
            place = CAPITALS.get(home, "")
            signed_country = home if home in ref.state_codes else None
        else:
            place, signed_country = rng.choice(VENUES)
        if not place:
            signed_country = None
        if not signed_on:
            place, signed_country = "", None
        if signed_country not in ref.party:
            signed_country = None

        mineral_names = [ref.mineral[m][1].lower() for m in minerals]
        summary = (
            f"The participants agree to cooperate on {', '.join(mineral_names)}: "
            f"{rng.choice(['exploration', 'investment', 'processing', 'recycling'])}, "
            f"{rng.choice(['supply chain resilience', 'responsible sourcing', 'research'])} "
            "and regular dialogue between officials."
        )
        legal = BINDING.get(kind, (0.02, 0.7))
        roll = rng.random()
        legally_binding = True if roll < legal[0] else False if roll < legal[0] + legal[1] else None

        agreement = Agreement(
            slug=slug,
            title=title,
            short_title=short_title,
            kind=kind,
            status=dates["status"],
            legally_binding=legally_binding,
            announced_on=dates.get("announced_on"),
            signed_on=signed_on,
            effective_on=dates.get("effective_on"),
            expires_on=dates.get("expires_on"),
            terminated_on=dates.get("terminated_on"),
            signed_place=place,
            signed_country_id=ref.party[signed_country][0] if signed_country else None,
            summary=summary,
            text_url=f"https://treaties.example.org/{slug}.pdf" if rng.random() < 0.4 else "",
            is_published=rng.random() >= 0.1,
        )

        party_rows = []
        for code in parties:
            ratified = None
            if signed_on and legally_binding and rng.random() < 0.5:
                ratified = signed_on + datetime.timedelta(days=rng.randint(30, 700))
            party_rows.append(AgreementParty(party_id=ref.party[code][0], ratified_on=ratified))

        signature_rows = []
        signatories: list[str] = []  # person names, in the order search text lists them
        if signed_on:
            seen = set()
            count = rng.choices(range(1, 7), weights=[15, 45, 15, 12, 8, 5])[0]
            for i in range(count):
                witness = i > 0 and rng.random() < 0.12
                code = parties[i % len(parties)]
                person = self.person_for(code)
                if person.slug in seen:
                    continue
                seen.add(person.slug)
                if witness:
                    office = rng.choice(WITNESS_OFFICES)
                    row = Signature(
                        person=person, party=None, office=office, role=SignatureRole.WITNESS
                    )
                else:
                    others = [c for c in parties if c != code]
                    row = Signature(
                        person=person,
                        party_id=ref.party[code][0],
                        office=self.office_for(code, others),
                        role=SignatureRole.SIGNATORY,
                    )
                row.signed_on = signed_on
                signature_rows.append(row)
            # Signatories before witnesses, as the stored order (role, id) lists them.
            signatories = [s.person.name for s in signature_rows if s.role == "signatory"]
            signatories += [s.person.name for s in signature_rows if s.role == "witness"]

        mineral_rows = []
        for m in minerals:
            stages = [s for s, chance in STAGE_CHANCES if rng.random() < chance]
            note = rng.choice(MINERAL_NOTES) if rng.random() < 0.05 else ""
            mineral_rows.append(
                AgreementMineral(mineral_id=ref.mineral[m][0], stages=stages, note=note)
            )

        source_rows = []
        for i in range(rng.choices([1, 2, 3], weights=[55, 30, 15])[0]):
            code = parties[i % len(parties)]
            kind_s = rng.choices(SOURCE_KINDS, weights=[50, 15, 15, 15, 5])[0]
            source_rows.append(
                Source(
                    url=f"https://gov.{code.lower()}.example.org/news/{slug}-{i + 1}",
                    title=f"{ref.party[code][1]}: {short_title}",
                    publisher=f"{rng.choice(PUBLISHERS)}, {ref.party[code][1]}",
                    published_on=signed_on or dates.get("announced_on"),
                    kind=kind_s,
                )
            )

        ordered = sorted(minerals, key=ref.mineral_rank.__getitem__)
        text_parts = [title, short_title, summary, place, *signatories]
        text_parts += [ref.mineral[m][1] for m in ordered]
        text_parts += [alias for m in ordered for alias in ref.aliases.get(m, [])]
        agreement.search_text = " ".join(p for p in text_parts if p)

        return {
            "agreement": agreement,
            "parties": party_rows,
            "signatures": signature_rows,
            "minerals": mineral_rows,
            "sources": source_rows,
        }


class Command(BaseCommand):
    help = (
        "Generate N synthetic, valid agreements (parties, signatures, minerals, sources) "
        "for demos and benchmarks; deterministic for a given --seed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--agreements", type=int, required=True, help="How many to create.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--batch-size", type=int, default=BATCH, help=f"Agreements per batch ({BATCH})."
        )

    def handle(self, *args, agreements: int, seed: int, batch_size: int, **options):
        if agreements < 1:
            raise CommandError("--agreements must be at least 1.")
        ref = ReferenceData()
        missing = ref.missing()
        if missing:
            raise CommandError(
                "Reference data is not loaded (missing: "
                + ", ".join(missing)
                + "). Run `python manage.py load_reference_data` first."
            )
        rng = random.Random(seed)
        used_slugs = set(Agreement.objects.values_list("slug", flat=True))
        people = {p.slug: p for p in Person.objects.all()}
        known_slugs = set(people)
        gen = Generator(ref, rng, used_slugs, people, agreements)
        show = options.get("verbosity", 1) > 0
        created: dict[str, bool] = {}  # slug -> published
        with transaction.atomic():
            created_pks: list[int] = []
            with tqdm(
                total=agreements, unit="agr", file=sys.stderr, disable=not show, smoothing=0.1
            ) as bar:
                for start in range(0, agreements, batch_size):
                    size = min(batch_size, agreements - start)
                    rows = [gen.agreement() for _ in range(size)]
                    pks = self._insert(gen, rows, created_pks)
                    created_pks.extend(pks)
                    created.update((r["agreement"].slug, r["agreement"].is_published) for r in rows)
                    bar.update(size)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(
                        "UPDATE agreements_agreement "
                        "SET search_vector = to_tsvector('english', search_text) "
                        "WHERE id = ANY(%s)",
                        [created_pks],
                    )
            bump_data_version()
            new_people = [slug for slug in gen.people if slug not in known_slugs]
            published = set(
                Signature.objects.filter(
                    person__slug__in=new_people, agreement__is_published=True
                ).values_list("person__slug", flat=True)
            )
            self._record_changes(created, {slug: slug in published for slug in new_people})
        if show:
            self.stdout.write(
                f"Created {len(created)} agreements and {len(new_people)} people (seed {seed})."
            )

    def _insert(self, gen: Generator, rows: list[dict], created_pks: list[int]) -> list[int]:
        if gen.pending_people:
            Person.objects.bulk_create(gen.pending_people)
            gen.pending_people = []
        objs = Agreement.objects.bulk_create([r["agreement"] for r in rows])
        pks = [a.pk for a in objs]
        children: dict[type, list] = defaultdict(list)
        related = []
        for row, agreement in zip(rows, objs, strict=True):
            for name in ("parties", "signatures", "minerals", "sources"):
                for child in row[name]:
                    child.agreement = agreement
                    children[type(child)].append(child)
            # A few instruments follow up an earlier one (MoU → roadmap → agreement).
            if created_pks and gen.rng.random() < 0.04:
                target = gen.rng.choice(created_pks)
                kind = (
                    RelationKind.ROADMAP_FOR
                    if agreement.kind == AgreementKind.ROADMAP
                    else gen.rng.choice([RelationKind.FOLLOWS, RelationKind.IMPLEMENTS])
                )
                related.append(
                    RelatedAgreement(from_agreement=agreement, to_agreement_id=target, kind=kind)
                )
        for model in (AgreementParty, Signature, AgreementMineral, Source):
            model.objects.bulk_create(children[model], batch_size=5000)
        RelatedAgreement.objects.bulk_create(related)
        return pks

    def _record_changes(self, created: dict[str, bool], people: dict[str, bool]) -> None:
        """Events for the changes feed (signals do not fire for bulk inserts): the new
        agreements and people, and the parties and minerals whose counts and partners moved."""
        changelog.record_bulk("agreement", list(created), "created", visible=created)
        if people:
            changelog.record_bulk("person", list(people), "created", visible=people)
        parties = Party.objects.filter(pk__in=AgreementParty.objects.values("party_id"))
        changelog.record_bulk(
            "party", list(parties.values_list("code", flat=True)), "updated", visible_before=True
        )
        used = set(AgreementMineral.objects.values_list("mineral_id", flat=True).distinct())
        minerals = Mineral.objects.filter(Q(pk__in=used) | Q(members__pk__in=used)).distinct()
        changelog.record_bulk(
            "mineral", list(minerals.values_list("slug", flat=True)), "updated", visible_before=True
        )
