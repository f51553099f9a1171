"""Generate a large, realistic, synthetic set of agreements for demos and benchmarks.

Every row respects the model constraints and the cross-row rules of the domain model
(agreements.validation): a published agreement has two or more parties and a source, a
signatory represents one of the agreement's parties, nothing is listed twice. Rows are
written with ``bulk_create`` in batches, inside one transaction, and the same ``--seed``
gives the same data (slugs included) on the same starting database.
"""

import random
import sys
from collections import defaultdict

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Q
from tqdm import tqdm

from agreements.demo.generator import Generator, ReferenceData
from agreements.demo.tables import BATCH
from agreements.models import (
    Agreement,
    AgreementKind,
    AgreementMineral,
    AgreementParty,
    Party,
    Person,
    RelatedAgreement,
    RelationKind,
    Signature,
    Source,
)
from agreements.sync import changelog
from config.api.data_version import bump_data_version
from minerals.models import Mineral


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
